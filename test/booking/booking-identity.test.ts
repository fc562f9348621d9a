import assert from 'node:assert/strict';
import { checkIdNumber, idCheckCharacter, normalizePhone } from '../../src/booking/index.js';

describe('ID numbers and phone numbers', () => {
  it('when an ID number is checked, then GB 11643 check character, region and birth date are enforced', () => {
    assert.equal(idCheckCharacter('11010519491231002'), 'X');
    assert.deepEqual(checkIdNumber('11010519491231002x'), {
      ok: true,
      idNumber: '11010519491231002X',
    });
    assert.deepEqual(checkIdNumber('110105194912310021'), { ok: false, problem: 'check_digit' });
    assert.deepEqual(checkIdNumber('99010519491231002X'), { ok: false, problem: 'region' });
    assert.deepEqual(checkIdNumber('110105194902300021'), { ok: false, problem: 'birth_date' });
    assert.deepEqual(checkIdNumber('1101051949123100'), { ok: false, problem: 'format' });
  });

  it('when a phone number is normalized, then mainland mobiles and landlines become E.164 and others are refused', () => {
    assert.deepEqual(normalizePhone('139 0469 1234'), { e164: '+8613904691234', kind: 'mobile' });
    assert.deepEqual(normalizePhone('+86 13904691234'), { e164: '+8613904691234', kind: 'mobile' });
    assert.deepEqual(normalizePhone('0469-4226101'), { e164: '+864694226101', kind: 'landline' });
    assert.deepEqual(normalizePhone('010-12345678'), { e164: '+861012345678', kind: 'landline' });
    assert.equal(normalizePhone('12345'), null);
    assert.equal(normalizePhone('+14155550100'), null);
    assert.equal(normalizePhone('11904691234'), null);
  });
});
