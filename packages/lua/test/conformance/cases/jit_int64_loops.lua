-- oracle: luajit
-- 64-bit integer cdata in hot loops: int64_t and uint64_t arithmetic with numbers, constants
-- and each other, wrap-around, signed and unsigned comparisons, equality with numbers
local ffi = require("ffi")
local i64, u64 = ffi.typeof("int64_t"), ffi.typeof("uint64_t")
local s, m = ffi.new(i64, 0), ffi.new(i64, 1)
local u = ffi.new(u64, 7)
local big = 0x7fffffffffffffffLL
local hits, eq, neg = 0, 0, 0
for i = 1, 400 do
  local c = ffi.new(i64, i)
  s = s + c * 3 - 1
  if s > 50000LL then s = s - 50000 end
  m = m * 6364136223846793005LL + 1442695040888963407LL
  if m < 0 then neg = neg + 1 end
  u = u * 3 + ffi.cast(u64, i)
  if u >= 0x8000000000000000ULL then hits = hits + 1 end
  if c == 200 or s == 10LL then eq = eq + 1 end
  local f = ffi.new(i64, i * 0.75 - 100)
  if f <= -50 then eq = eq + 2 end
end
print(s, m, u, hits, eq, neg, big + 1, type(s))
local t = ffi.new(i64, 0)
for i = 1, 300 do
  local step = (i % 3 == 0) and 2.5 or i
  t = t + step
  if i % 7 == 0 then t = -t end
end
print(t, tostring(t))
