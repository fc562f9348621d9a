import { queueName, type Catalogue } from '../catalogue/index.js';
import { insertAudit } from '../platform/audit-repository.js';
import type { Clock } from '../platform/clock.js';
import type { Database } from '../platform/db.js';
import { ForbiddenError, NotFoundError } from '../platform/errors.js';
import type { StaffRole } from '../platform/auth.js';
import type { StaffUserRow } from './staff-repository.js';
import type { Accounts } from './staff-service.js';

/** Who manages accounts: a supervisor manages agents; only an admin manages supervisors and admins. */
export interface StaffActor {
  userId: string;
  role: StaffRole;
}

/** A staff account as the staff page shows it: skills by their queue names. */
export interface StaffView {
  username: string;
  displayName: string;
  role: StaffRole;
  disabled: boolean;
  skills: Array<{ id: string; name: string }>;
}

/** `GET /api/supervisor/staff`: every account, as the staff page lists them. */
export interface StaffList {
  staff: StaffView[];
}

/** `POST /api/supervisor/staff` and `PATCH /api/supervisor/staff/:username`: the account saved. */
export interface StaffSaved {
  user: StaffView;
}

/**
 * Staff accounts from the browser: list, create, change display name and skills, reset a
 * password, disable. Each change is audited with who made it.
 */
export function createStaffAdmin(deps: {
  accounts: Accounts;
  db: Database;
  catalogue: Catalogue;
  clock: Clock;
}) {
  const { accounts, db, catalogue, clock } = deps;
  const audit = (
    actor: StaffActor,
    action: string,
    subject: string,
    detail: Record<string, unknown> = {},
  ) =>
    insertAudit(db, {
      actorId: actor.userId,
      action,
      subject: `staff:${subject}`,
      detail,
      at: clock.now(),
    });
  const view = (user: StaffUserRow): StaffView => ({
    username: user.id,
    displayName: user.displayName || user.id,
    role: user.role,
    disabled: user.disabled,
    skills: user.skills
      .filter((skill) => catalogue.department(skill))
      .map((skill) => ({ id: skill, name: queueName(catalogue, skill) })),
  });
  async function mayManage(actor: StaffActor, username: string): Promise<StaffUserRow> {
    const user = await accounts.findUser(username);
    if (!user) throw new NotFoundError(`no such user: ${username}`);
    if (user.role !== 'agent' && actor.role !== 'admin')
      throw new ForbiddenError('only an admin manages supervisors and admins');
    return user;
  }
  return {
    list: async (): Promise<StaffView[]> => (await accounts.listAll()).map(view),
    async create(
      actor: StaffActor,
      input: {
        username: string;
        displayName: string;
        role: 'agent' | 'supervisor';
        skills: string[];
        password: string;
      },
    ): Promise<StaffView> {
      if (input.role !== 'agent' && actor.role !== 'admin')
        throw new ForbiddenError('only an admin creates supervisors');
      const user = await accounts.createUser(input);
      await audit(actor, 'create-staff', user.id, { role: user.role });
      return view(user);
    },
    async update(
      actor: StaffActor,
      username: string,
      changes: { displayName?: string | undefined; skills?: string[] | undefined },
    ): Promise<StaffView> {
      await mayManage(actor, username);
      const user = await accounts.updateUser(username, changes);
      await audit(actor, 'update-staff', username, { fields: Object.keys(changes) });
      return view(user);
    },
    async resetPassword(actor: StaffActor, username: string, password: string): Promise<void> {
      await mayManage(actor, username);
      await accounts.resetPassword(username, password);
      await audit(actor, 'reset-password', username);
    },
    async disable(actor: StaffActor, username: string): Promise<void> {
      await mayManage(actor, username);
      await accounts.disableUser(username);
      await audit(actor, 'disable-staff', username);
    },
  };
}

export type StaffAdmin = ReturnType<typeof createStaffAdmin>;
