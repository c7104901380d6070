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
used) shows that window ends within `window` from now (and if this window already had
one, or was over, whatever window that request was granted in, that the API has moved on
to its next), a reset header moves the window's end, and a
429 pauses every caller until its `Retry-After`, the latest one ending the pause earlier
or later. While the limit is unknown one request at a time goes out, to learn it. When
the window's budget runs low the rest is spread over the time left (at least one a second
while the window's length is a guess, so that the API's next window shows itself soon).
The first report after an outage (`resync`) counts the API's latest `remaining` in the
window open now, which ends a window after the reporter saw the API's open (if it saw
that less than a window ago: an answer with one used, or far more left than the answer
before; else its window's start is unknown).

The window's length is learned as the per-process limiter learns it, and stored for every
process: the caller's `window` is only a guess until then. Two answers that each opened
one of the API's windows are at least a window apart (the shortest such gap, rounded to
whole seconds, bounds it from above; a gap under half a second is no sighting), and a
429's `Retry-After` says when the window that opened with the last such answer ends (that
length, rounded down to whole seconds after allowing 0.1 s for the first answer's trip,
replaces what was known). Piggy's windows, like Laravel's, last whole seconds, at least
one.
"""

from __future__ import annotations

from typing import Final

SCRIPT: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local low_water = tonumber(ARGV[4])
local ttl = tonumber(ARGV[11])

local s = redis.call('HMGET', KEYS[1], 'limit', 'used', 'end', 'epoch', 'pause', 'next', 'probe',
  'window', 'start', 'sepoch')
local limit = tonumber(s[1])
local used = tonumber(s[2]) or 0
local we = tonumber(s[3]) or 0
local epoch = tonumber(s[4]) or 0
local pause = tonumber(s[5]) or 0
local nxt = tonumber(s[6]) or 0
local probe = tonumber(s[7]) or 0
local learned = tonumber(s[8])
local start = tonumber(s[9]) or 0
local sepoch = tonumber(s[10]) or -1
local window = learned or tonumber(ARGV[2])
local guard = tonumber(ARGV[3]) or (50 + math.floor(window / 200))

local function whole(ms, lag)
  return math.max(1000, math.floor((ms + lag) / 1000) * 1000)
end

redis.call('ZADD', KEYS[2], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[12]))
redis.call('PEXPIRE', KEYS[2], ttl)
local members = redis.call('ZCARD', KEYS[2])

local oe = tonumber(ARGV[6])
if ARGV[7] ~= '' then
  limit = tonumber(ARGV[7])
  probe = 0
elseif oe then
  probe = 0
end
if oe == epoch then
  if ARGV[8] ~= '' and limit then
    local seen = limit - tonumber(ARGV[8])
    if seen > used then used = seen end
  end
  if ARGV[10] ~= '' then we = now + tonumber(ARGV[10]) + guard end
end
if ARGV[15] == '1' then
  if start > 0 and now - start >= 500 then
    local seen = whole(now - start, 500)
    if seen < window then
      learned = seen
      window = seen
    end
  end
  if oe == epoch then
    if sepoch == epoch or now + window - we > window / 2 then
      -- a request of this window opened the API's next one: follow it there
      epoch = epoch + 1
      used = 1
      nxt = 0
    end
    we = now + window
    sepoch = epoch
  elseif now >= we or we <= pause then
    -- a request from outside the model (paced alone, or answered as a 429's pause ends)
    -- opened the API's next window once the model's had ended: follow it there
    epoch = epoch + 1
    used = 1
    nxt = 0
    we = now + window
    sepoch = epoch
  elseif now + window > we then
    we = now + window  -- an earlier window's late request opened the API's window of now
  end
  start = now
end

local age = tonumber(ARGV[18])
local ends = nil
if age and age < window then ends = now - age + window end
if ARGV[17] == '1' and limit and ARGV[8] ~= '' then
  -- what the API counted while Redis was out of reach, in the window the reporter saw it
  -- open (else, its start unknown, one that ends a window from now at the latest)
  if now >= we then
    epoch = epoch + 1
    used = 0
    nxt = 0
    we = ends or now + window
    sepoch = epoch
    start = 0
  elseif ends and ends < we then
    we = ends
  end
  local seen = limit - tonumber(ARGV[8])
  if seen > used then used = seen end
end
if ARGV[9] ~= '' then
  local until_ = now + tonumber(ARGV[9])
  if ARGV[16] == '1' then
    if start > 0 then
      learned = whole(until_ - start, 100)
      window = learned
    end
    start = 0
    pause = until_
    we = until_
  else
    if until_ > pause then pause = until_ end
    if until_ > we then we = until_ end
  end
  if limit then used = limit end
end

local want = tonumber(ARGV[5])
local granted = 0
local wait = 0
local why = 0
if want > 0 and now >= we then
  epoch = epoch + 1
  used = 0
  nxt = 0
  we = now + window + guard
end
while granted < want do
  if pause > now then
    wait = pause - now
    why = 1
    break
  end
  if not limit then
    if probe > now then
      wait = math.min(probe - now, tonumber(ARGV[13]))
      why = 2
      break
    end
    probe = now + tonumber(ARGV[14])
  else
    local avail = limit - used
    if avail <= 0 then
      wait = we - now
      why = 3
      break
    end
    if avail <= math.ceil(limit * low_water) then
      if nxt > now then
        wait = nxt - now
        why = 4
        break
      end
      local gap = math.floor((we - guard - now) / avail)
      if not learned and gap > 1000 then gap = 1000 end
      nxt = now + gap
    end
  end
  used = used + 1
  granted = granted + 1
end

redis.call('HSET', KEYS[1], 'limit', limit or '', 'used', used, 'end', we, 'epoch', epoch,
  'pause', pause, 'next', nxt, 'probe', probe, 'window', learned or '', 'start', start,
  'sepoch', sepoch)
redis.call('PEXPIRE', KEYS[1], ttl)
local pause_left = 0
if pause > now then pause_left = pause - now end
return {granted, wait, why, epoch, limit or -1, used, math.max(we - now, 0), pause_left, members,
  window, learned and 1 or 0}
"""
"""KEYS: the budget's hash, its members' sorted set. ARGV: 1 member id, 2 the window's
length in ms as guessed (until one is learned), 3 guard ms ('': 50 ms + 0.5% of the window),
4 low-water share of the limit, 5 how many requests to grant (0: only learn), then the
observation, each '' when absent: 6 epoch it was granted in (-1: none), 7 limit,
8 remaining, 9 ms of a 429's pause left, 10 ms until the window resets; then 11 the keys'
TTL ms, 12 ms after which a silent member no longer counts, 13 ms between polls while the
limit is being learned, 14 ms a learning request holds its turn; 15 '1' if the observation
includes the answer to the first request of the API's window, 16 '1' if its pause is the
API's `Retry-After` (the window ends then), 17 '1' if it is the first report after an
outage (its remaining is the API's latest count), 18 ms since the reporter saw the API's
window of that count open ('' if it did not).

Returns: how many requests were granted; for the rest, ms to wait and why (`WHY`); then
the window's epoch, the limit (-1: unknown), requests used in the window, ms until it ends,
ms of pause left, how many members share the budget, the window's length in ms and
whether that was learned (1) or is the guess (0)."""

WHY: Final = {1: "paused", 2: "learning", 3: "spent", 4: "spread"}
"""Why the script asks to wait: a 429's pause, the limit being learned, the window's
budget spent, or its last requests spread over the time left."""
