import assert from 'node:assert/strict';
import { sql } from 'drizzle-orm';
import { buildCatalogue, CatalogueError, loadCatalogue, syncCatalogue } from '../../src/catalogue/index.js';
import { loadMenus } from '../../src/ivr/index.js';
import { queryRows } from '../../src/platform/db.js';
import { createTestRuntime, startTestServer, testConfig } from '../support/env.js';

describe('catalogue', () => {
  const config = testConfig();

  it('when the shipped catalogue is loaded, then it has the 27 hotlines, the halls the report names and 32 commissioners', () => {
    const catalogue = loadCatalogue(config.catalogueDir);
    assert.equal(catalogue.hotlines.length, 27);
    assert.equal(new Set(catalogue.hotlines.map((h) => h.number)).size, 27);
    assert.ok(catalogue.hotlines.every((h) => /^\+86469\d{7}$/.test(h.number)));
    assert.ok(catalogue.halls.length >= 7);
    const names = catalogue.halls.map((h) => h.name).join('|');
    for (const expected of ['市民服务中心', '社', '车辆管理所', '尖山', '公积金']) assert.match(names, new RegExp(expected));
    assert.equal(catalogue.commissioners.length, 32);
    assert.ok(loadMenus(config.catalogueDir, catalogue).size >= 7);
  });

  it('when a hotline refers to a missing hall or department, then loading lists each problem', () => {
    const catalogue = loadCatalogue(config.catalogueDir);
    const broken = { ...catalogue.hotlines[0]!, hall: 'no-such-hall', department: 'no-such-department' };
    assert.throws(
      () => buildCatalogue([...catalogue.halls], [broken], [], [], catalogue.prompts),
      (error: Error) => error instanceof CatalogueError && /unknown hall no-such-hall/.test(error.message) && /unknown department no-such-department/.test(error.message),
    );
  });

  it('when the catalogue is mirrored twice, then the second run changes nothing', async () => {
    const runtime = await createTestRuntime();
    const catalogue = loadCatalogue(config.catalogueDir);
    const count = async () =>
      queryRows<{ hotlines: number; services: number; phones: number }>(
        runtime.database.db,
        sql`select (select count(*)::int from hotlines where active) as hotlines,
                   (select count(*)::int from services where active) as services,
                   (select count(*)::int from enterprise_phones) as phones`,
      );
    await syncCatalogue(runtime.database.db, catalogue);
    const first = await count();
    await syncCatalogue(runtime.database.db, catalogue);
    assert.deepEqual(await count(), first);
    assert.equal(first[0]!.hotlines, 27);
  });

  it('when /api/hotlines is read, then it lists the 27 numbers with their names, halls and departments', async () => {
    const runtime = await createTestRuntime();
    const server = await startTestServer(runtime);
    const response = await fetch(`${server.url}/api/hotlines`);
    assert.equal(response.status, 200);
    const hotlines = (await response.json()) as Array<Record<string, string>>;
    assert.equal(hotlines.length, 27);
    for (const hotline of hotlines) {
      assert.match(hotline.number!, /^\+86469\d{7}$/);
      for (const field of ['name', 'hall', 'department']) assert.match(hotline[field]!, /\p{Script=Han}/u, `${field} of ${hotline.number}`);
    }
  });
});
