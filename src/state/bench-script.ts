/**
 * Records a bench and announces it, atomically, unless a bench at least as long is already
 * recorded: a bench never shortens another, and an instance that learns nothing new is not
 * told. Atomic in Redis, so two instances benching the same deployment at once cannot race
 * a longer bench into a shorter one.
 *
 * KEYS[1] the bench key. ARGV: until (epoch ms, integer), stored JSON, channel, message.
 * Returns 1 when recorded and announced, 0 when an existing bench is as long or longer.
 * SET … PXAT needs Redis 6.2; SET then PEXPIREAT works on every Redis that has Lua.
 */
export const BENCH_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and tonumber(decoded['until']) ~= nil
    and tonumber(decoded['until']) >= tonumber(ARGV[1]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`;
