"""The shared budget's one atomic step, as a Lua script Redis runs: learn, then grant or wait.

Every process calls it before each request (and, without granting, to report what a
response taught), so a budget's whole state lives in one Redis hash and changes only
inside this script, one caller at a time. Time is Redis's own (`TIME`), so the processes'
clocks never need to agree.

The model is the API's: `limit` requests per window. A window opens with the first grant
after the last one closed and ends `window + guard` later (the guard covers the first
request's trip to the API, whose window opens only when that request arrives). Responses
correct the model: `X-RateLimit-Limit` sets the limit, `X-RateLimit-Remaining` raises the
count of requests used in the window the request was granted in (its epoch; a late answer
from an earlier window is ignored), the answer to the API window's first request (one
used) shows that window ends within `window` from now (and if it was a late request of the
window before, that the API has moved on to the next), a reset header moves the window's
end, and a 429 pauses every caller until its `Retry-After`. While the limit is unknown one
request at a time goes out, to learn it. When the window's budget runs low the rest is
spread over the time left.
"""

from __future__ import annotations

from typing import Final

SCRIPT: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
local guard = tonumber(ARGV[3])
local low_water = tonumber(ARGV[4])
local ttl = tonumber(ARGV[11])

local s = redis.call('HMGET', KEYS[1], 'limit', 'used', 'end', 'epoch', 'pause', 'next', 'probe')
local limit = tonumber(s[1])
local used = tonumber(s[2]) or 0
local we = tonumber(s[3]) or 0
local epoch = tonumber(s[4]) or 0
local pause = tonumber(s[5]) or 0
local nxt = tonumber(s[6]) or 0
local probe = tonumber(s[7]) or 0

redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[12]))
redis.call('PEXPIRE', KEYS[2], ttl)
local members = redis.call('ZCARD', KEYS[2])

if ARGV[7] ~= '' then
  limit = tonumber(ARGV[7])
  probe = 0
elseif ARGV[6] ~= '' then
  probe = 0
end
if ARGV[9] ~= '' then
  local until_ = now + tonumber(ARGV[9])
  if until_ > pause then pause = until_ end
  if until_ > we then we = until_ end
  if limit then used = limit end
end
if ARGV[6] ~= '' and tonumber(ARGV[6]) == epoch then
  if ARGV[8] ~= '' and limit then
    local seen = limit - tonumber(ARGV[8])
    if seen > used then used = seen end
  end
  if ARGV[10] ~= '' then we = now + tonumber(ARGV[10]) + guard end
  if ARGV[15] == '1' then
    if now + window - we > window / 2 then
      -- a late request of this window opened the API's next one: follow it there
      epoch = epoch + 1
      used = 1
      nxt = 0
    end
    if now + window > we then we = now + window end
  end
end

local want = tonumber(ARGV[5])
local granted = 0
local wait = 0
local paused = 0
if want > 0 and now >= we then
  epoch = epoch + 1
  used = 0
  nxt = 0
  we = now + window + guard
end
while granted < want do
  if pause > now then
    wait = pause - now
    paused = 1
    break
  end
  if not limit then
    if probe > now then
      wait = math.min(probe - now, tonumber(ARGV[13]))
      break
    end
    probe = now + tonumber(ARGV[14])
  else
    local avail = limit - used
    if avail <= 0 then
      wait = we - now
      break
    end
    if avail <= math.ceil(limit * low_water) then
      if nxt > now then
        wait = nxt - now
        break
      end
      nxt = now + math.floor((we - guard - now) / avail)
    end
  end
  used = used + 1
  granted = granted + 1
end

redis.call('HSET', KEYS[1], 'limit', limit or '', 'used', used, 'end', we, 'epoch', epoch,
  'pause', pause, 'next', nxt, 'probe', probe)
redis.call('PEXPIRE', KEYS[1], ttl)
local pause_left = 0
if pause > now then pause_left = pause - now end
return {granted, wait, paused, epoch, limit or -1, used, math.max(we - now, 0), pause_left, members}
"""
"""KEYS: the budget's hash, its members' sorted set. ARGV: 1 member id, 2 window ms,
3 guard ms, 4 low-water share of the limit, 5 how many requests to grant (0: only learn),
then the observation, each '' when absent: 6 epoch it was granted in, 7 limit,
8 remaining, 9 pause ms (a 429's Retry-After), 10 ms until the window resets; then 11 the
keys' TTL ms, 12 ms after which a silent member no longer counts, 13 ms between polls
while the limit is being learned, 14 ms a learning request holds its turn; 15 '1' if the
observation includes the answer to the first request of the API's window.

Returns: how many requests were granted; for the rest, ms to wait and whether that is a
429's pause; then the window's epoch, the limit (-1: unknown), requests used in the
window, ms until it ends, ms of pause left, and how many members share the budget."""
