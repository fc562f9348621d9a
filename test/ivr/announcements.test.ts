import assert from 'node:assert/strict';
import { createAdminRuntime } from '../../src/admin-runtime.js';
import { ivrCommands } from '../../src/ivr/index.js';
import { ValidationError } from '../../src/platform/errors.js';
import { testConfig } from '../support/env.js';
import { keys, startIvr } from './ivr-support.js';

const MASKS = '来厅请佩戴口罩，出示健康绿码，配合测温。';

describe('announcements after the welcome', () => {
  let ivr: Awaited<ReturnType<typeof startIvr>>;
  const logged: string[] = [];
  const original = console.log;

  before(async () => {
    // Added through the admin command, as staff do, before the IVR reads (and caches) them.
    console.log = (line: string) => logged.push(line);
    try {
      const admin = createAdminRuntime(testConfig());
      assert.equal(
        await ivrCommands['announcement:add']!.run(
          [
            '--text',
            MASKS,
            '--from',
            '2020-02-01T00:00',
            '--to',
            '2020-03-01T00:00',
            '--hall',
            'citizen-centre',
            '--by',
            'supervisor-li',
          ],
          admin,
        ),
        0,
      );
      assert.equal(
        await ivrCommands['announcement:add']!.run(
          [
            '--text',
            '本热线3月起启用新号码。',
            '--from',
            '2020-03-01T00:00',
            '--to',
            '2020-04-01T00:00',
            '--by',
            'supervisor-li',
          ],
          admin,
        ),
        0,
      );
      // Scheduled for later and withdrawn now (the command runs on the real clock): never spoken.
      assert.equal(
        await ivrCommands['announcement:add']!.run(
          [
            '--text',
            '已撤回的公告。',
            '--from',
            '2099-01-01T00:00',
            '--to',
            '2099-12-31T00:00',
            '--by',
            'supervisor-li',
          ],
          admin,
        ),
        0,
      );
      const withdrawn = Number(/announcement (\d+)/.exec(logged.at(-1)!)![1]);
      assert.equal(
        await ivrCommands['announcement:end']!.run(['--id', String(withdrawn)], admin),
        0,
      );
      assert.equal(await ivrCommands['announcement:list']!.run(['--all'], admin), 0);
      await admin.close();
    } finally {
      console.log = original;
    }
    ivr = await startIvr('2020-02-10T09:00');
  });

  after(async () => ivr?.expectValidAnswers());

  it("when a hall announcement runs, then the hall's hotlines say it after the recording notice and before the menu", async () => {
    const result = await ivr.call({ to: '+864694226101', inputs: keys() });
    const says = [...result.requests[0]!.twiml.matchAll(/<Say[^>]*>([^<]*)<\/Say>/g)].map(
      (m) => m[1]!,
    );
    assert.equal(says[2], MASKS);
    assert.match(says[3]!, /按1/);
  });

  it('when a hotline belongs to another hall, or the announcement has not started or was ended, then it is not said', async () => {
    const other = ivr.runtime.catalogue.hotlines.find((h) => h.hall !== 'citizen-centre')!;
    const result = await ivr.call({ to: other.number, inputs: keys() });
    assert.doesNotMatch(result.requests[0]!.twiml, /口罩|新号码|已撤回/);
    const own = await ivr.call({ to: '+864694226101', inputs: keys() });
    assert.doesNotMatch(own.requests[0]!.twiml, /新号码|已撤回/);
  });

  it('when listed with --all, then every announcement is printed with its times, scope and author', () => {
    const list = logged.filter((line) => line.includes('\t'));
    assert.ok(
      list.some(
        (line) =>
          line.includes('2020-02-01 00:00..2020-03-01 00:00\tcitizen-centre') &&
          line.includes(MASKS) &&
          line.includes('(supervisor-li)'),
      ),
      list.join('\n'),
    );
    assert.ok(list.some((line) => line.includes('\tall\t') && line.includes('新号码')));
    assert.equal(list.length, 3);
  });

  it('when an announcement ends before it starts or names an unknown hall, then the command refuses it', async () => {
    const admin = createAdminRuntime(testConfig());
    await assert.rejects(
      ivrCommands['announcement:add']!.run(
        ['--text', 'x', '--from', '2020-02-02', '--to', '2020-02-01', '--by', 'a'],
        admin,
      ),
      ValidationError,
    );
    await assert.rejects(
      ivrCommands['announcement:add']!.run(
        [
          '--text',
          'x',
          '--from',
          '2020-02-01',
          '--to',
          '2020-02-02',
          '--hall',
          'nowhere',
          '--by',
          'a',
        ],
        admin,
      ),
      /hall: nowhere/,
    );
    await admin.close();
  });
});
