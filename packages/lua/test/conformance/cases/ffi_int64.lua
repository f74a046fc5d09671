-- oracle: luajit
-- ffi int64_t/uint64_t: typeof, new, cast, LL/ULL literals, arithmetic, comparison, tostring
local ffi = require("ffi")
local int64_t, uint64_t = ffi.typeof("int64_t"), ffi.typeof("uint64_t")
local a = ffi.new(int64_t, 40)
local b = 2LL
print(a + b, a * b, a - 100, a / 3, a % 7, -a, a ^ 2)
print(tostring(a), type(a), ffi.istype(int64_t, a), ffi.istype(uint64_t, a))
print(0xffffffffffffffffULL, -1LL, ffi.cast(uint64_t, -1), ffi.cast(int64_t, 2^40))
print(a == 40LL, a < 41, a <= b, 5ULL > 3ULL, uint64_t(3) - 5)
print(tonumber(a), tonumber(2^53 + 1LL), ffi.sizeof(int64_t))
local acc = 0LL
for i = 1, 100 do acc = acc + i end
print(acc, acc == 5050)
local big = 9223372036854775807LL
print(big, big + 1, (big + 1) < 0)
print(pcall(ffi.new, "int64_t", "12"), ffi.new("uint64_t", 7) * 3)
