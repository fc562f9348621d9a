import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { loadCatalogue } from '../../src/catalogue/index.js';
import {
  buildSearchIndex,
  createGuideJobs,
  GUIDE_SMS_MAX_CHARS,
  GuideError,
  guideSmsText,
  loadGuides,
  smsParts,
} from '../../src/guides/index.js';
import { createFixedClock } from '../../src/platform/clock.js';
import type { Runtime } from '../../src/runtime.js';
import {
  client,
  createAgent,
  routingRuntime,
  serveRouting,
  useTwilioMockSuite,
} from '../agents/agents-support.js';
import { testConfig } from '../support/env.js';
import { buildCallSid } from '../support/twilio.js';

const catalogueDir = testConfig().catalogueDir;
const catalogue = loadCatalogue(catalogueDir);
const guides = loadGuides(catalogueDir, catalogue);

/** A copy of the catalogue whose guide file `file` is changed by `change`; removed afterwards. */
function brokenCatalogue(
  file: string,
  change: (doc: { guides: Array<Record<string, unknown>> }) => void,
): string {
  const dir = mkdtempSync(join(tmpdir(), 'guides-'));
  cpSync(catalogueDir, dir, { recursive: true });
  const path = join(dir, 'guides', file);
  const doc = parse(readFileSync(path, 'utf8')) as { guides: Array<Record<string, unknown>> };
  change(doc);
  writeFileSync(path, stringify(doc));
  return dir;
}

function refusal(dir: string): string {
  try {
    loadGuides(dir, loadCatalogue(dir));
  } catch (error) {
    assert.ok(error instanceof GuideError, `expected a GuideError, got ${String(error)}`);
    return error.message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.fail('the broken guide was accepted');
}

/** Everyday phrasings and the services they mean (more than one where two halls offer the same service). */
const PHRASINGS: Array<[string, string[]]> = [
  ['公积金提取', ['cc-fund-withdraw']],
  ['租房提公积金', ['hf-wd-rent']],
  ['买房提公积金', ['hf-wd-purchase']],
  ['公积金贷款', ['cc-fund-loan', 'hf-loan-apply']],
  ['能贷多少公积金', ['hf-loan-quote']],
  ['公积金缴存证明', ['cc-fund-certificate', 'hf-dep-proof']],
  ['身份证丢了', ['cc-police-idcard']],
  ['换驾照', ['vo-lic-renew']],
  ['驾照丢了', ['vo-lic-reissue']],
  ['处理违章', ['vo-vio-handle']],
  ['新车上牌', ['vo-veh-register']],
  ['二手车过户', ['vo-veh-transfer']],
  ['二手房过户', ['cc-estate-transfer', 're-reg-transfer']],
  ['房产证丢了', ['re-query-cert']],
  ['无房证明', ['cc-estate-query', 're-query-info']],
  ['开公司', ['cc-ent-register']],
  ['注销公司', ['cc-ent-cancel']],
  ['食品许可证', ['cc-ent-food']],
  ['查征信', ['cc-general-credit']],
  ['社保卡丢了', ['ss-card-suspend']],
  ['社保卡密码忘了', ['ss-card-password']],
  ['领失业金', ['ss-unemp-claim']],
  ['办退休', ['ss-pension-claim']],
  ['灵活就业交养老保险', ['ss-pension-enrol']],
  ['港澳通行证', ['ee-pass-hkmo']],
  ['办护照', ['ee-pass-apply']],
  ['异地就医', ['ms-claim-remote']],
  ['医药费报销', ['ms-claim-reimburse']],
  ['个税汇算', ['cc-tax-iit', 'tj-dec-iit']],
  ['代开发票', ['tj-inv-agent']],
  ['居住证', ['cc-police-residence']],
  ['迁户口', ['cc-police-move']],
  ['企业年报', ['cc-ent-annual']],
  ['房子解押', ['re-reg-cancel']],
  ['慢性病认定', ['ms-claim-chronic']],
];

describe('service guides (办事指南)', () => {
  describe('the files', () => {
    it('when the shipped catalogue is loaded, then every service has exactly one valid guide', () => {
      const services = catalogue.halls.flatMap((h) =>
        h.departments.flatMap((d) => d.services.map((s) => s.id)),
      );
      assert.equal(guides.size, services.length);
      for (const id of services) assert.ok(guides.get(id), `no guide for ${id}`);
    });

    it('when a material has no original/copy form, then start-up is refused naming the file and the field', () => {
      const message = refusal(
        brokenCatalogue(
          'housing-fund.yaml',
          (doc) => ((doc.guides[0]!.materials as unknown[][])[1]![1] = '扫描件'),
        ),
      );
      assert.match(message, /guides\/housing-fund\.yaml: guides\.0\.materials\.1\.1: /);
    });

    it('when a time limit is negative, a legal basis is missing or a link is plain http, then each is named', () => {
      const message = refusal(
        brokenCatalogue('entry-exit.yaml', (doc) => {
          doc.guides[0]!.timeLimitDays = -1;
          doc.guides[1]!.basis = [];
          doc.guides[1]!.onlineUrl = 'http://s.nia.gov.cn';
        }),
      );
      assert.match(message, /guides\/entry-exit\.yaml: guides\.0\.timeLimitDays: /);
      assert.match(message, /guides\/entry-exit\.yaml: guides\.1\.basis: at least one legal basis/);
      assert.match(message, /guides\/entry-exit\.yaml: guides\.1\.onlineUrl: must be an https URL/);
    });

    it('when a guide is missing, names an unknown service or has an unknown field, then start-up is refused', () => {
      const message = refusal(
        brokenCatalogue('medical-security.yaml', (doc) => {
          doc.guides.pop();
          doc.guides[0]!.service = 'ms-no-such-service';
          doc.guides[1]!.price = '免费';
        }),
      );
      assert.match(message, /no guide for service ms-claim-chronic/);
      assert.match(message, /no guide for service ms-enrol-resident/);
      assert.match(
        message,
        /medical-security\.yaml: guides\.0 \(ms-no-such-service\): service: no service ms-no-such-service/,
      );
      assert.match(message, /medical-security\.yaml: guides\.1: Unrecognized key: "price"/);
    });

    it('when npm run ivr:lint runs on a catalogue with a broken guide, then it exits 1 and names the file and field', async function () {
      this.timeout(90_000);
      const dir = brokenCatalogue('tax-jianshan.yaml', (doc) => (doc.guides[2]!.fee = ''));
      try {
        const failed = await promisify(execFile)('npx', [
          'tsx',
          'tools/caller/ivr-lint.ts',
          '--dir',
          dir,
        ]).then(
          () => assert.fail('ivr:lint passed a broken guide'),
          (error: { code: number; stderr: string }) => error,
        );
        assert.equal(failed.code, 1);
        assert.match(
          failed.stderr,
          /guides\/tax-jianshan\.yaml: guides\.2\.fee: must not be empty/,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('when a service the catalogue handles by phone lacks phone among its ways, then it is refused', () => {
      const message = refusal(
        brokenCatalogue(
          'housing-fund.yaml',
          (doc) => (doc.guides.find((g) => g.service === 'hf-wd-rent')!.ways = ['online']),
        ),
      );
      assert.match(
        message,
        /housing-fund\.yaml: guides\.\d+ \(hf-wd-rent\): ways: the catalogue completes this service by phone/,
      );
    });
  });

  describe('search by everyday words', () => {
    const index = buildSearchIndex(catalogue, guides);
    for (const [phrase, expected] of PHRASINGS) {
      it(`when someone asks for “${phrase}”, then ${expected.join(' or ')} comes first`, () => {
        const [first] = index.search(phrase);
        assert.ok(first, `nothing found for ${phrase}`);
        assert.ok(
          expected.includes(first.serviceId),
          `${phrase}: found ${first.serviceId} (${catalogue.service(first.serviceId)?.service.name})`,
        );
      });
    }

    it('when the table is counted, then it holds at least 30 phrasings', () => {
      assert.ok(PHRASINGS.length >= 30);
    });

    it('when the query is only punctuation or matches nothing, then nothing is found', () => {
      assert.deepEqual(index.search('？！ '), []);
      assert.deepEqual(index.search('天气预报'), []);
    });
  });

  describe('the SMS of a guide', () => {
    it(`when any guide is sent, then its text is at most ${GUIDE_SMS_MAX_CHARS} characters (two messages), with the first material and the online link`, () => {
      for (const guide of guides.values()) {
        const text = guideSmsText(guide, catalogue);
        assert.ok(
          [...text].length <= GUIDE_SMS_MAX_CHARS,
          `${guide.service}: ${[...text].length} characters`,
        );
        assert.ok(smsParts(text) <= 2, `${guide.service}: ${smsParts(text)} messages`);
        assert.ok(text.startsWith('【双鸭山政务服务】'));
        if (guide.onlineUrl)
          assert.ok(text.endsWith(guide.onlineUrl), `${guide.service}: the link is missing or cut`);
        if (guide.materials.length > 0)
          assert.ok(
            text.includes(`1.${guide.materials[0]![0]}`),
            `${guide.service}: the first material is missing`,
          );
        else assert.ok(text.includes('无需材料'));
      }
    });

    it('when the materials do not all fit, then the text says how many there are in all', () => {
      const long = {
        ...guides.get('cc-ent-register')!,
        materials: Array.from(
          { length: 12 },
          (_, i) =>
            [`第${i + 1}份需要提交的申请材料`, '原件及复印件', 2] as [
              string,
              '原件及复印件',
              number,
            ],
        ),
      };
      const text = guideSmsText(long, catalogue);
      assert.ok([...text].length <= GUIDE_SMS_MAX_CHARS);
      assert.match(text, /等共12项/);
    });

    it('when the length rule counts parts, then 70 Chinese characters are one message, 71 are two and 135 are three', () => {
      assert.equal(smsParts('办'.repeat(70)), 1);
      assert.equal(smsParts('办'.repeat(71)), 2);
      assert.equal(smsParts('办'.repeat(134)), 2);
      assert.equal(smsParts('办'.repeat(135)), 3);
      assert.equal(smsParts('a'.repeat(160)), 1);
    });
  });

  describe('the API', () => {
    const twilio = useTwilioMockSuite();
    let runtime: Runtime;
    let url: string;
    const hotline = () => runtime.catalogue.hotlines.find((h) => h.department === 'hf-withdraw')!;

    beforeEach(async () => {
      runtime = await routingRuntime(twilio(), createFixedClock('2026-03-02T02:00:00Z'));
      url = await serveRouting(runtime);
    });

    async function arrivedCall(
      steps: Array<{ nodeId: string; kind: string; input: string | null }>,
      skill: string,
      from = '+8613904691234',
    ) {
      const callSid = buildCallSid();
      const line = hotline();
      await runtime.ledger.recordArrival({
        callSid,
        from,
        to: line.number,
        hotline: { number: line.number, hall: line.hall, department: line.department },
        steps,
      });
      await runtime.ledger.recordQueued(callSid, {
        skill,
        priority: 0,
        greenChannel: false,
        commissionerId: null,
      });
      return callSid;
    }

    it('when a caller pressed 电话办理 then 贷款额度测算, then the desk is offered the guide of 贷款额度测算咨询', async () => {
      const supervisor = await createAgent(runtime, { skills: ['hf-loan'], role: 'supervisor' });
      const callSid = await arrivedCall(
        [
          { nodeId: 'main', kind: 'choice', input: '3' },
          { nodeId: 'phone-menu', kind: 'choice', input: '2' },
        ],
        'hf-loan',
      );
      const browser = client(url);
      await browser.login(supervisor);
      const { status, body } = await browser.request('GET', `/api/guides/calls/${callSid}`);
      assert.equal(status, 200);
      assert.equal(body.suggested.serviceId, 'hf-loan-quote');
      assert.equal(body.suggested.address, '双鸭山市尖山区新兴大街178号');
      assert.ok(
        body.candidates.every((c: { serviceId: string }) => c.serviceId.startsWith('hf-loan-')),
      );
    });

    it('when an agent who is not on the call asks for its guide or sends it, then 403', async () => {
      const agent = await createAgent(runtime, { skills: ['hf-withdraw'] });
      const callSid = await arrivedCall([], 'hf-withdraw');
      const browser = client(url);
      await browser.login(agent);
      assert.equal((await browser.request('GET', `/api/guides/calls/${callSid}`)).status, 403);
      assert.equal(
        (await browser.request('POST', '/api/guides/hf-wd-rent/sms', { callSid })).status,
        403,
      );
      assert.equal(
        (await browser.request('GET', `/api/guides?q=${encodeURIComponent('公积金提取')}`)).body
          .hits[0].serviceId,
        'cc-fund-withdraw',
      );
    });

    it('when the guide is sent by SMS, then the job sends its text to the caller through Twilio Messages and the row says sent', async () => {
      const supervisor = await createAgent(runtime, {
        skills: ['hf-withdraw'],
        role: 'supervisor',
      });
      const callSid = await arrivedCall([], 'hf-withdraw');
      const browser = client(url);
      await browser.login(supervisor);
      const { status, body } = await browser.request('POST', '/api/guides/hf-wd-rent/sms', {
        callSid,
      });
      assert.equal(status, 202);
      const [job] = createGuideJobs({
        guides: runtime.guides,
        twilio: runtime.twilio,
        config: runtime.config,
        logger: runtime.logger,
      });
      await job!.process({ smsId: body.id } as never, undefined as never);
      const sent = twilio().requests.filter((r) => r.path.endsWith('/Messages.json'));
      assert.equal(sent.length, 1);
      assert.equal(sent[0]!.params.To, '+8613904691234');
      assert.equal(sent[0]!.params.Body, body.text);
      assert.match(
        String(sent[0]!.params.Body),
        /租房提取需带：1\.本人身份证原件；2\.本人银行卡原件；3\.无房证明原件/,
      );
      const [row] = await runtime.guides.smsOfCall(callSid);
      assert.equal(row!.status, 'sent');
      await job!.process({ smsId: body.id } as never, undefined as never);
      assert.equal(
        twilio().requests.filter((r) => r.path.endsWith('/Messages.json')).length,
        1,
        'a repeated job sends nothing more',
      );
    });

    it('when the caller called from a landline, then no SMS is queued and the agent is told why', async () => {
      const supervisor = await createAgent(runtime, {
        skills: ['hf-withdraw'],
        role: 'supervisor',
      });
      const callSid = await arrivedCall([], 'hf-withdraw', '+864694221234');
      const browser = client(url);
      await browser.login(supervisor);
      const { status, body } = await browser.request('POST', '/api/guides/hf-wd-rent/sms', {
        callSid,
      });
      assert.equal(status, 409);
      assert.equal(body.error.code, 'no_mobile');
    });

    it('when a supervisor edits a guide, then it is a new revision with who and when, the search knows it, and the old one is kept', async () => {
      const supervisor = await createAgent(runtime, {
        skills: ['hf-withdraw'],
        role: 'supervisor',
        displayName: '王主任',
      });
      const agent = await createAgent(runtime, { skills: ['hf-withdraw'] });
      const browser = client(url);
      await browser.login(supervisor);
      const { guide } = (await browser.request('GET', '/api/guides/hf-wd-rent')).body;
      // Other test files share the database and may have edited it already.
      const before = (await browser.request('GET', '/api/guides/hf-wd-rent/history')).body.revisions
        .length;
      const edited = {
        window: guide.window,
        conditions: guide.conditions,
        materials: [
          ...guide.materials.map((m: { name: string; form: string; count: number }) => [
            m.name,
            m.form,
            m.count,
          ]),
          ['租赁合同', '复印件', 1],
        ],
        fee: guide.fee,
        timeLimitDays: guide.timeLimitDays,
        basis: guide.basis,
        ways: ['online', 'phone'],
        onlineUrl: guide.onlineUrl,
        askedAs: [...guide.askedAs, '房租发票'],
        faq: guide.faq,
      };
      const saved = await browser.request('PUT', '/api/guides/hf-wd-rent', {
        guide: edited,
        note: '增加租赁合同复印件',
      });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.equal(saved.body.guide.revision, before);
      assert.equal(saved.body.guide.materials.at(-1).name, '租赁合同');
      assert.equal(
        (await browser.request('GET', `/api/guides?q=${encodeURIComponent('房租发票')}`)).body
          .hits[0].serviceId,
        'hf-wd-rent',
      );
      const history = (await browser.request('GET', '/api/guides/hf-wd-rent/history')).body
        .revisions;
      assert.deepEqual(
        history.map((r: { revision: number }) => r.revision),
        Array.from({ length: before + 1 }, (_, i) => i),
      );
      assert.equal(history.at(-1).editedBy, supervisor);
      assert.equal(history.at(-1).editedByName, '王主任');
      assert.equal(history.at(-1).note, '增加租赁合同复印件');
      assert.equal(history[0].guide.materials.length, 3, 'the shipped version is kept');

      const broken = await browser.request('PUT', '/api/guides/hf-wd-rent', {
        guide: { ...edited, ways: ['online'] },
      });
      assert.equal(broken.status, 422);
      const agentBrowser = client(url);
      await agentBrowser.login(agent);
      assert.equal(
        (await agentBrowser.request('PUT', '/api/guides/hf-wd-rent', { guide: edited })).status,
        403,
      );
    });
  });
});
