import assert from 'node:assert/strict';
import { callSidOf, startIvr } from './ivr-support.js';

/**
 * What callers say at the main menu, across the hotlines, and the node it must reach: an option
 * of a deeper menu, a service's booking, a department's queue, the hotline's own name, synonyms
 * from the menu data. `person` is the hotline department's person (a confident utterance that
 * matches nothing on a hotline with one obvious department); `main` is asked again (输入有误).
 */
const table: Array<[hotline: string, said: string, reaches: string]> = [
  ['+864694237701', '公积金提取', 'book-withdraw'],
  ['+864694237701', '我想预约公积金提取', 'book-withdraw'],
  ['+864694237701', '租房提取进度', 'qp-withdraw'],
  ['+864694237701', '我要查一下我的预约', 'my-booking'],
  ['+864694237701', '公积金办公时间是几点', 'hours'],
  ['+864694237701', '公积金能邮寄吗', 'postal'],
  ['+864694237701', '住房公积金提取预约热线', 'q-withdraw'],
  ['+864694237701', '我想问问公积金怎么取出来', 'book-withdraw'],
  ['+864694237701', '随便说点什么', 'person'],
  ['+864694237702', '公积金贷款能贷多少', 'q-loan'],
  ['+864694237702', '我要提前还款', 'book-loan'],
  ['+864694237702', '我想取消预约', 'my-booking'],
  ['+864694226101', '我要预约办身份证', 'book-police'],
  ['+864694226101', '营业执照', 'book-enterprise'],
  ['+864694226101', '我要投诉', 'q-complaint'],
  ['+864694226101', '个人信用报告', 'book-general'],
  ['+864694226101', '陪同帮办', 'book-green'],
  ['+864694226101', '户籍证明', 'qp-police'],
  ['+864694226101', '嗯我想问个事', 'main'],
  ['+864694226102', '公积金缴存证明', 'qp-fund'],
  ['+864694226102', '房本办好了吗', 'book-estate'],
  ['+864694226120', '老年人陪同', 'book-green'],
  ['+864694226120', '嗯那个我也说不好', 'person'],
  ['+864694226131', '我想注册公司', 'q-enterprise'],
  ['+864694226131', '食品经营许可', 'book-food'],
  ['+864694226132', '个体户', 'book-register'],
  ['+864694226140', '复工复产', 'book-resume'],
  ['+864694226140', '惠企政策', 'q-policy'],
  ['+864694226141', '首席服务专员', 'q-commissioner'],
  ['+864694226151', '契税', 'q-property'],
  ['+864694226151', '个税汇算退税', 'qp-iit'],
  ['+864694226152', '卖房子要交什么税', 'q-property'],
  ['+864694226152', '二手房交多少税', 'q-property'],
  ['+864694226161', '公积金提取', 'book-fund'],
  ['+864694226161', '房本抵押', 'book-estate'],
  ['+864694226171', '二手房过户', 'one-stop'],
  ['+864694226181', '身份证丢了', 'q-idcard'],
  ['+864694226181', '迁户口', 'q-hukou'],
  ['+864694226181', '办居住证', 'q-residence'],
  ['+864694226182', '临时身份证', 'green'],
  ['+864694226182', '嗯我也不知道怎么说', 'person'],
  ['+864694223301', '我要退休', 'book-pension'],
  ['+864694223301', '养老金', 'q-pension'],
  ['+864694223301', '失业金', 'book-injury'],
  ['+864694223302', '单位参保', 'book-enterprise'],
  ['+864694223303', '社保卡密码', 'book-card'],
  ['+864694365501', '汽车过户', 'book-vehicle'],
  ['+864694365501', '新车上牌', 'book-vehicle'],
  ['+864694365502', '驾照到期了要换', 'book-license'],
  ['+864694365502', '驾驶证补领', 'book-license'],
  ['+864694365503', '交罚款', 'qp-fine'],
  ['+864694365503', '处理违章', 'book-violation'],
  ['+864694361801', '办护照', 'book-passport'],
  ['+864694361801', '港澳通行证', 'book-passport'],
  ['+864694361802', '外国人签证', 'book-foreigner'],
  ['+864694361802', '外国人住宿登记', 'qp-lodging'],
  ['+864694258801', '房本抵押', 'book-mortgage'],
  ['+864694258801', '无房证明', 'q-query'],
  ['+864694258801', '继承房产', 'book-transfer'],
  ['+864694212366', '发票', 'book-invoice'],
  ['+864694212366', '申报纳税', 'qp-declare'],
  ['+864694212367', '开票', 'book-invoice'],
  ['+864694227701', '异地就医', 'qp-remote'],
  ['+864694227701', '医疗保险报销', 'book-claim'],
  ['+864694227701', '交医保', 'q-enrol'],
  ['+864694227701', '新生儿参保', 'book-enrol'],
  ['+864694227701', '嗯我想问个事', 'person'],
];

describe('understanding what callers say at the main menu (utterance table)', function () {
  this.timeout(120_000);
  let ivr: Awaited<ReturnType<typeof startIvr>>;
  const stopAtBooking = (url: string) => new URL(url).pathname.startsWith('/twilio/voice/booking/');

  before(async () => {
    ivr = await startIvr('2020-02-03T10:00');
  });

  after(async () => ivr.expectValidAnswers());

  it('when the table is read, then it has at least 60 utterances across at least 20 hotlines', () => {
    assert.ok(table.length >= 60, String(table.length));
    assert.ok(new Set(table.map(([hotline]) => hotline)).size >= 20);
  });

  for (const [hotline, said, reaches] of table) {
    it(`when "${said}" is said on ${hotline}, then ${reaches}`, async () => {
      const result = await ivr.call({
        to: hotline,
        inputs: [{ kind: 'speech', text: said, confidence: 0.85 }],
        stopAt: stopAtBooking,
        waitRounds: 1,
      });
      const steps = await ivr.runtime.ledger.steps(callSidOf(result));
      if (reaches === 'person') {
        assert.equal(result.queue, ivr.runtime.catalogue.hotline(hotline)!.department);
        assert.ok(
          steps.some((s) => s.kind === 'speech-to-person'),
          'recorded as speech sent to a person',
        );
        return;
      }
      // The node entered right after what was said was understood (an information node then returns to the menu).
      const chosen = steps.findIndex((s) => s.kind === 'choice');
      const entered = (
        chosen < 0
          ? steps.filter((s) => s.kind === 'entered').at(-1)
          : steps.slice(chosen).find((s) => s.kind === 'entered')
      )?.nodeId;
      assert.equal(entered, reaches, steps.map((s) => `${s.nodeId}:${s.kind}`).join(' '));
      if (reaches === 'main') assert.match(result.requests.at(-1)!.twiml, /输入有误/);
    });
  }
});
