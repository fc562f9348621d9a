import assert from 'node:assert/strict';
import { interpretInput } from '../../src/ivr/ivr-input.js';

const options = [
  { key: '1', label: '预约办理', keywords: ['预约', '挂号'] },
  { key: '4', label: '查询或取消预约', keywords: ['查询预约', '取消预约'] },
  { key: '#', label: '结束通话', keywords: ['再见'] },
];

describe('menu input', () => {
  it('when a key is pressed, then it chooses its option; 9, * and 0 are repeat, back and a person', () => {
    assert.deepEqual(interpretInput({ digits: '4' }, options), {
      kind: 'choice',
      key: '4',
      via: 'dtmf',
      heard: '4',
    });
    assert.equal(interpretInput({ digits: '9' }, options).kind, 'repeat');
    assert.equal(interpretInput({ digits: '*' }, options).kind, 'back');
    assert.equal(interpretInput({ digits: '0' }, options).kind, 'operator');
    assert.equal(interpretInput({ digits: '7' }, options).kind, 'invalid');
  });

  it('when speech contains a short keyword inside a longer one (预约 in 取消预约), then the longest match wins', () => {
    assert.equal(
      (interpretInput({ speech: '我想取消预约。', confidence: 0.8 }, options) as { key: string })
        .key,
      '4',
    );
    assert.equal(
      (interpretInput({ speech: '我要预约', confidence: 0.8 }, options) as { key: string }).key,
      '1',
    );
  });

  it('when speech confidence is below 0.5, then the caller is asked again', () => {
    assert.equal(interpretInput({ speech: '预约', confidence: 0.3 }, options).kind, 'unclear');
  });

  it('when the caller asks for a person, to repeat or to go back, or says a key, then those are understood', () => {
    assert.equal(
      interpretInput({ speech: '转人工服务', confidence: 0.9 }, options).kind,
      'operator',
    );
    assert.equal(interpretInput({ speech: '再听一遍', confidence: 0.9 }, options).kind, 'repeat');
    assert.equal(interpretInput({ speech: '返回上一级', confidence: 0.9 }, options).kind, 'back');
    assert.equal(
      (interpretInput({ speech: '按一', confidence: 0.9 }, options) as { key: string }).key,
      '1',
    );
  });

  it('when nothing is given, then a timeout; when words match nothing, then invalid', () => {
    assert.equal(interpretInput({}, options).kind, 'timeout');
    assert.equal(
      interpretInput({ speech: '今天天气不错', confidence: 0.9 }, options).kind,
      'invalid',
    );
  });
});
