import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envSchema, readEnvFile } from '../../src/platform/config.js';

describe('the .env file', () => {
  it('when .env.example is read, then it documents every variable the configuration schema reads', () => {
    const example = readFileSync('.env.example', 'utf8');
    const missing = Object.keys(envSchema.shape).filter(
      (name) => !new RegExp(`^#? ?${name}=`, 'm').test(example),
    );
    assert.deepEqual(missing, []);
  });

  it('when a .env has values, comments and empty assignments, then the values are read and the empty ones mean the default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-env-'));
    try {
      const file = join(dir, '.env');
      writeFileSync(
        file,
        '# a comment\nREDIS_PREFIX=hall7\nPORT=\nPUBLIC_BASE_URL="https://hotline.example.cn"\n',
      );
      assert.deepEqual(readEnvFile(file), {
        REDIS_PREFIX: 'hall7',
        PUBLIC_BASE_URL: 'https://hotline.example.cn',
      });
      assert.deepEqual(readEnvFile(join(dir, 'absent.env')), {});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
