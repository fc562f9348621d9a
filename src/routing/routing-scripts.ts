/**
 * The Lua scripts that change the routing state (see routing-repository.ts for the keys). Each
 * runs atomically in Redis, which is what makes one call to one agent hold across processes.
 */
const RESERVE = `
local function reserve(P, sid, id, now)
  local ck = P..':call:'..sid
  for s in string.gmatch(redis.call('HGET', ck, 'skills') or '', '%S+') do redis.call('ZREM', P..':wait:'..s, sid) end
  local offers = redis.call('HINCRBY', ck, 'offers', 1)
  redis.call('HSET', ck, 'state', 'offered', 'agent', id)
  local ak = P..':agent:'..id
  local a = redis.call('HMGET', ak, 'skills', 'version', 'held')
  for s in string.gmatch(a[1] or '', '%S+') do redis.call('ZREM', P..':avail:'..s, id) end
  local version = tonumber(a[2] or '0') + 1
  -- The reservation's log row waits for the agent's next change (see TRANSITION).
  local held = cjson.encode({f = 'available', t = 'reserved', r = '', v = version, c = sid, a = now, e = ''})
  if a[3] and a[3] ~= '' then held = a[3]..'\\n'..held end
  redis.call('HSET', ak, 'state', 'reserved', 'version', version, 'since', now, 'reason', '', 'call', sid, 'held', held)
  return {sid, id, version, offers}
end
local function bestCall(P, id)
  local best, bestScore = nil, nil
  for s in string.gmatch(redis.call('HGET', P..':agent:'..id, 'skills') or '', '%S+') do
    local top = redis.call('ZRANGE', P..':wait:'..s, 0, 0, 'WITHSCORES')
    if top[1] and (bestScore == nil or tonumber(top[2]) < bestScore) then best = top[1]; bestScore = tonumber(top[2]) end
  end
  return best
end
`;

/**
 * ARGV: prefix, agent, expectedVersion|'', allowedFrom (space-separated)|'*', to, reason, now,
 * skills|'', idle reset|keep, call|'-', expectedCall|'', held take|hold|keep, ended 'e'|''.
 * The agent's held changes (field 'held': JSON rows, one a line, each a log row: from, to,
 * reason, version, call, at, and whether the change ended the agent's call) are taken by the next
 * change ('take': returned, for its statement to write before its own row); 'hold' holds this
 * change too; 'keep' (an undo) leaves them. Reply: ok, previous state, version, call, held taken.
 */
export const TRANSITION = `
local P, id, now = ARGV[1], ARGV[2], ARGV[7]
local ak = P..':agent:'..id
local cur = redis.call('HMGET', ak, 'state', 'version', 'skills', 'idle', 'call', 'held')
local state = cur[1] or 'offline'
local version = tonumber(cur[2] or '0')
local call = cur[5] or ''
if ARGV[3] ~= '' and tonumber(ARGV[3]) ~= version then return {0, state, version, call} end
if ARGV[11] ~= '' and ARGV[11] ~= call then return {0, state, version, call} end
if ARGV[4] ~= '*' then
  local allowed = false
  for s in string.gmatch(ARGV[4], '%S+') do if s == state then allowed = true end end
  if not allowed then return {0, state, version, call} end
end
local skills = cur[3] or ''
if ARGV[8] ~= '' then
  for s in string.gmatch(skills, '%S+') do redis.call('ZREM', P..':avail:'..s, id) end
  skills = ARGV[8]
end
local to = ARGV[5]
local idle = tonumber(cur[4] or now)
if ARGV[9] == 'reset' then idle = tonumber(now) end
for s in string.gmatch(skills, '%S+') do
  if to == 'available' then redis.call('ZADD', P..':avail:'..s, idle, id) else redis.call('ZREM', P..':avail:'..s, id) end
end
if ARGV[10] ~= '-' then call = ARGV[10] end
version = version + 1
redis.call('HSET', ak, 'state', to, 'version', version, 'since', now, 'reason', ARGV[6], 'skills', skills, 'idle', idle, 'call', call)
redis.call('SADD', P..':agents', id)
local held = cur[6] or ''
if ARGV[12] == 'hold' then
  local row = cjson.encode({f = state, t = to, r = ARGV[6], v = version, c = call, a = now, e = ARGV[13]})
  if held ~= '' then row = held..'\\n'..row end
  redis.call('HSET', ak, 'held', row)
  return {1, state, version, call, ''}
end
if ARGV[12] == 'keep' or held == '' then return {1, state, version, call, ''} end
redis.call('HDEL', ak, 'held')
return {1, state, version, call, held}
`;

/** ARGV: prefix, agent, held rows. Held changes taken but not written go back before any held since. */
export const HOLD_BACK = `
local ak = ARGV[1]..':agent:'..ARGV[2]
local held = redis.call('HGET', ak, 'held')
if held and held ~= '' then held = ARGV[3]..'\\n'..held else held = ARGV[3] end
return redis.call('HSET', ak, 'held', held)
`;

/** ARGV: prefix, agent, now. The best waiting call for an available agent. */
export const MATCH_AGENT = `${RESERVE}
local P, id, now = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', P..':agent:'..id, 'state') ~= 'available' then return nil end
local sid = bestCall(P, id)
if not sid then return nil end
return reserve(P, sid, id, now)
`;

/**
 * ARGV: prefix, call, now. The longest-idle eligible agent for a waiting call; that agent then
 * takes the best call waiting for them, which may be another (higher priority or earlier) one.
 */
export const MATCH_CALL = `${RESERVE}
local P, sid, now = ARGV[1], ARGV[2], ARGV[3]
local ck = P..':call:'..sid
local reservations = {}
for round = 1, 20 do
  if redis.call('HGET', ck, 'state') ~= 'waiting' then break end
  local agent, idle = nil, nil
  for s in string.gmatch(redis.call('HGET', ck, 'skills') or '', '%S+') do
    local top = redis.call('ZRANGE', P..':avail:'..s, 0, 0, 'WITHSCORES')
    if top[1] and (idle == nil or tonumber(top[2]) < idle) then agent = top[1]; idle = tonumber(top[2]) end
  end
  if not agent then break end
  table.insert(reservations, reserve(P, bestCall(P, agent), agent, now))
end
return reservations
`;

/** ARGV: prefix, call, score, skills, target, targets (JSON), state (waiting|held), epoch. Puts a call in its wait sets unless it is already routed. */
export const ENQUEUE = `
local P, sid = ARGV[1], ARGV[2]
local ck = P..':call:'..sid
if redis.call('EXISTS', ck) == 1 then return 0 end
redis.call('HSET', ck, 'state', ARGV[7], 'score', ARGV[3], 'skills', ARGV[4], 'target', ARGV[5], 'agent', '', 'offers', 0, 'targets', ARGV[6], 'epoch', ARGV[8])
if ARGV[7] == 'waiting' then
  for s in string.gmatch(ARGV[4], '%S+') do redis.call('ZADD', P..':wait:'..s, ARGV[3], sid) end
end
return 1
`;

/**
 * ARGV: prefix, call, agent, to (waiting|held). A call offered to this agent (or held) goes back
 * to waiting with its original score (its place), or is held out of matching until the caller
 * is back in the Twilio queue.
 */
export const REQUEUE = `
local P, sid = ARGV[1], ARGV[2]
local ck = P..':call:'..sid
local c = redis.call('HMGET', ck, 'state', 'agent', 'score', 'skills')
local offeredToAgent = c[1] == 'offered' and c[2] == ARGV[3]
if not offeredToAgent and c[1] ~= 'held' then return 0 end
if ARGV[4] == 'held' then
  redis.call('HSET', ck, 'state', 'held', 'agent', '')
  return 1
end
redis.call('HSET', ck, 'state', 'waiting', 'agent', '')
for s in string.gmatch(c[4] or '', '%S+') do redis.call('ZADD', P..':wait:'..s, c[3], sid) end
return 1
`;

/** ARGV: prefix, call, fromTarget, toTarget, skills, score. Widens a call's eligible skills (escalation). */
export const WIDEN = `
local P, sid = ARGV[1], ARGV[2]
local ck = P..':call:'..sid
local c = redis.call('HMGET', ck, 'state', 'target', 'skills')
if not c[1] or c[2] ~= ARGV[3] then return 0 end
if c[1] == 'waiting' then
  for s in string.gmatch(c[3] or '', '%S+') do redis.call('ZREM', P..':wait:'..s, sid) end
  for s in string.gmatch(ARGV[5], '%S+') do redis.call('ZADD', P..':wait:'..s, ARGV[6], sid) end
end
redis.call('HSET', ck, 'skills', ARGV[5], 'target', ARGV[4], 'score', ARGV[6])
return 1
`;

/** ARGV: prefix, call. Removes a call from routing; returns its state and agent. */
export const LEAVE = `
local P, sid = ARGV[1], ARGV[2]
local ck = P..':call:'..sid
local c = redis.call('HMGET', ck, 'state', 'agent', 'skills')
if not c[1] then return nil end
for s in string.gmatch(c[3] or '', '%S+') do redis.call('ZREM', P..':wait:'..s, sid) end
redis.call('DEL', ck)
return {c[1], c[2] or ''}
`;

/**
 * ARGV: prefix, agent, state, version, since, reason, skills, idle, call. Puts back an agent that
 * Redis lost, as PostgreSQL's state log last saw them; an agent already present (who acted
 * since) is left alone.
 */
export const RESTORE_AGENT = `
local P, id = ARGV[1], ARGV[2]
local ak = P..':agent:'..id
if redis.call('EXISTS', ak) == 1 then return 0 end
redis.call('HSET', ak, 'state', ARGV[3], 'version', ARGV[4], 'since', ARGV[5], 'reason', ARGV[6], 'skills', ARGV[7], 'idle', ARGV[8], 'call', ARGV[9], 'missed', 0)
redis.call('SADD', P..':agents', id)
if ARGV[3] == 'available' then
  for s in string.gmatch(ARGV[7], '%S+') do redis.call('ZADD', P..':avail:'..s, ARGV[8], id) end
end
return 1
`;
