-- Tables that grow, shrink and rehash: sequential and sparse integer keys, string keys stored,
-- deleted and stored again, key 0 and negative keys, and sizes from constructors
local function count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end
local a = {}
for i = 1, 200 do a[i] = i end
for i = 1, 200, 2 do a[i] = nil end
for i = 1, 200, 2 do a[i] = -i end
local sum = 0
for i = 1, 200 do sum = sum + a[i] end
print(#a, count(a), sum)
local h = {}
for r = 1, 5 do
  for i = 1, 40 do h["k" .. i] = i * r end
  for i = 1, 40, 3 do h["k" .. i] = nil end
end
local hs = 0
for _, v in pairs(h) do hs = hs + v end
print(count(h), hs, h.k2, h.k1)
local z = {[0] = "zero", [-1] = "neg", [1] = "one", [2] = "two"}
z[3] = "three"
print(#z, z[0], z[-1], z[3], count(z))
local c = {1, 2, 3, x = 1, y = 2, [10] = 10}
for i = 4, 9 do c[i] = i end
print(#c, count(c), c[10])
local s = {}
for i = 1, 64 do s[i * 1000] = i end
local ss = 0
for k, v in pairs(s) do ss = ss + k / 1000 - v end
print(count(s), ss)
