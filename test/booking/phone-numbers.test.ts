import assert from 'node:assert/strict';
import { normalizePhone } from '../../src/booking/index.js';

type Expected = { e164: string; kind: 'mobile' | 'landline' | 'service' } | null;

const mobile = (e164: string): Expected => ({ e164, kind: 'mobile' });
const landline = (e164: string): Expected => ({ e164, kind: 'landline' });
const service = (e164: string): Expected => ({ e164, kind: 'service' });

/**
 * Numbers as callers, staff and feeds write them, with what the numbering plan (MIIT's, as
 * libphonenumber's full metadata carries it) makes of them. Only mobiles can receive an SMS.
 */
const table: Array<[input: string, expected: Expected, why: string]> = [
  // Mobiles, in the forms people write them.
  ['13904691234', mobile('+8613904691234'), 'China Mobile 139'],
  ['139 0469 1234', mobile('+8613904691234'), 'spaced'],
  ['139-0469-1234', mobile('+8613904691234'), 'dashed'],
  ['+86 139 0469 1234', mobile('+8613904691234'), 'international'],
  ['+8613904691234', mobile('+8613904691234'), 'E.164, as Twilio sends From'],
  ['008613904691234', mobile('+8613904691234'), 'with the 00 international prefix'],
  ['8613904691234', mobile('+8613904691234'), 'country code without +'],
  ['13012345678', mobile('+8613012345678'), 'China Unicom 130'],
  ['15004691234', mobile('+8615004691234'), 'China Mobile 150'],
  ['18804691234', mobile('+8618804691234'), 'China Mobile 188'],
  ['19912345678', mobile('+8619912345678'), 'China Telecom 199'],
  ['19212345678', mobile('+8619212345678'), 'China Broadnet 192'],
  ['16612345678', mobile('+8616612345678'), 'China Unicom 166'],
  ['17712345678', mobile('+8617712345678'), 'China Telecom 177'],
  ['17012345678', mobile('+8617012345678'), 'virtual operators 170'],
  ['14512345678', mobile('+8614512345678'), 'China Unicom 145'],
  // Shuangyashan's fixed lines: area code 0469 and 7-digit local numbers.
  ['0469-4226101', landline('+864694226101'), 'Shuangyashan, dashed'],
  ['0469 4226101', landline('+864694226101'), 'Shuangyashan, spaced'],
  ['04694226101', landline('+864694226101'), 'Shuangyashan, run together'],
  ['(0469) 4226101', landline('+864694226101'), 'area code in brackets'],
  ['+86 469 4226101', landline('+864694226101'), 'international, without the trunk 0'],
  [
    '+86 0469 4226101',
    landline('+864694226101'),
    'international with the trunk 0 kept, as many write it',
  ],
  ['+86 (0) 469 4226101', landline('+864694226101'), 'the trunk 0 in brackets'],
  ['0086 469 4226101', landline('+864694226101'), 'with the 00 international prefix'],
  ['+864694226101', landline('+864694226101'), 'E.164'],
  ['0469-42261011', null, 'Shuangyashan has no 8-digit local numbers'],
  ['+86 469 42261011', null, 'Shuangyashan 8 digits, international'],
  ['+86 0469 42261011', null, 'Shuangyashan 8 digits, trunk 0 kept'],
  // Other cities: 8-digit local numbers.
  ['010-12345678', landline('+861012345678'), 'Beijing'],
  ['+86 10 12345678', landline('+861012345678'), 'Beijing, international'],
  ['021-23456789', landline('+862123456789'), 'Shanghai'],
  ['020-83456789', landline('+862083456789'), 'Guangzhou'],
  ['0451-82345678', landline('+8645182345678'), 'Harbin'],
  ['0755-83456789', landline('+8675583456789'), 'Shenzhen'],
  ['010-1234567', null, 'Beijing has no 7-digit local numbers'],
  ['0451-8234567', null, 'Harbin has no 7-digit local numbers'],
  // Nationwide 400 (shared cost) and 800 (toll free) numbers: valid, but no SMS.
  ['4008123123', service('+864008123123'), '400 run together'],
  ['400-812-3123', service('+864008123123'), '400 dashed'],
  ['+86 400 812 3123', service('+864008123123'), '400 international'],
  ['8008101234', service('+868008101234'), '800 run together'],
  ['800-810-1234', service('+868008101234'), '800 dashed'],
  // Mobile-looking numbers in blocks no operator was given.
  ['14012345678', null, '140 is not allocated'],
  ['17412345678', null, '174 (satellite) is not a mobile block'],
  ['14212345678', null, '142 is not allocated'],
  ['17912345678', null, '179 is not allocated'],
  ['11904691234', null, '11x is not a mobile block'],
  ['12012345678', null, '12x is not a mobile block'],
  ['1390469123', null, 'a digit short'],
  ['139046912345', null, 'a digit long'],
  // Outside the mainland: refused (SMS and bookings are for mainland numbers only).
  ['+14155550100', null, 'United States'],
  ['001 415 555 0100', null, 'United States, dialled from China'],
  ['+852 9123 4567', null, 'Hong Kong'],
  ['+853 6612 3456', null, 'Macao'],
  ['+886 912 345 678', null, 'Taiwan'],
  ['+44 20 7946 0958', null, 'United Kingdom'],
  // Not a number.
  ['4226101', null, 'a local number without its area code'],
  ['95588', null, 'a short service code'],
  ['12345', null, 'too short'],
  ['', null, 'empty'],
  ['anonymous', null, 'withheld, as Twilio sends it'],
  ['client:wang_li', null, 'a softphone, as Twilio sends it'],
  ['139 0469 1234 转 8', null, 'text after the number'],
  ['tel:+8613904691234', null, 'a URI, not a number as written'],
];

describe('phone numbers by the numbering plan', () => {
  it('has at least 50 numbers in the table', () =>
    assert.ok(table.length >= 50, String(table.length)));

  for (const [input, expected, why] of table) {
    it(`when ${JSON.stringify(input)} (${why}), then ${expected ? `${expected.kind} ${expected.e164}` : 'refused'}`, () => {
      assert.deepEqual(normalizePhone(input), expected);
    });
  }
});
