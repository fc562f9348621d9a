import { setUpTestRun, tearDownTestRun } from './support/env.js';
import { stopPrism } from './support/prism.js';

/** Root hooks: one database and one Redis prefix for the whole run, removed afterwards. */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    await setUpTestRun();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    stopPrism();
    await tearDownTestRun();
  },
};
