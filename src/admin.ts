import { recordingCommands } from './recordings/index.js';
import { bookingCommands } from './booking/index.js';
import { calendarCommands } from './calendar/index.js';
import { reportCommands } from './reports/index.js';
import { ivrCommands } from './ivr/index.js';
import { reconciliationCommands } from './reconciliation/index.js';
import { staffCommands } from './staff/index.js';
import { createAdminRuntime } from './admin-runtime.js';
import { configOrExit } from './process.js';
import type { AdminCommand } from './platform/admin-command.js';

/**
 * `npm run admin -- <command> [--flag value ...]`: staff operations from the shell.
 * Each component contributes its commands; `npm run admin -- help` lists them.
 */
const commands: Record<string, AdminCommand> = {
  ...calendarCommands,
  ...reportCommands,
  ...staffCommands,
  ...recordingCommands,
  ...bookingCommands,
  ...ivrCommands,
  ...reconciliationCommands,
};

const [name, ...rest] = process.argv.slice(2);
if (!name || name === 'help' || !commands[name]) {
  const lines = Object.entries(commands).map(
    ([key, command]) => `  ${key.padEnd(20)} ${command.summary}`,
  );
  const out = name && name !== 'help' ? console.error : console.log;
  out(
    `${name && name !== 'help' ? `unknown command: ${name}\n` : ''}usage: npm run admin -- <command> [options]\n${lines.join('\n')}`,
  );
  process.exit(name && name !== 'help' ? 2 : 0);
}
const admin = createAdminRuntime(configOrExit());
let code: number;
try {
  code = await commands[name]!.run(rest, admin);
} catch (error) {
  console.error((error as Error).message);
  code = 1;
}
await admin.close();
process.exit(code);
