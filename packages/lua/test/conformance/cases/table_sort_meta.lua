-- oracle: luajit
-- The default order with __lt metamethods, and comparisons that cannot be made.
local mt = {__lt = function(a, b) return a.v < b.v end}
local function box(v) return setmetatable({v = v}, mt) end
local t = {}
for i = 1, 12 do t[i] = box((i * 5) % 7) end
table.sort(t)
local out = {}
for i, b in ipairs(t) do out[i] = b.v end
print(table.concat(out, ' '))
-- A shared __lt from two metatables holding the same function works too.
local lt = function(a, b) return a.v > b.v end
local m1, m2 = {__lt = lt}, {__lt = lt}
local u = {setmetatable({v = 1}, m1), setmetatable({v = 3}, m2), setmetatable({v = 2}, m1)}
table.sort(u)
print(u[1].v, u[2].v, u[3].v)
print(pcall(table.sort, {box(1), {v = 2}}))
print(pcall(table.sort, {box(1), setmetatable({v = 0}, {__lt = function() return true end})}))
print(pcall(table.sort, {1, 'x'}))
print(pcall(table.sort, {'x', 1}))
print(pcall(table.sort, {1, 2, {}}))
print(pcall(table.sort, {{}, {}}))
print(pcall(table.sort, {true, false}))
print(pcall(table.sort, {print, print}))
print(pcall(table.sort, {1, 2, 3, 'a', 5}))
print(pcall(function() table.sort({3, 1, 'x'}) end))
local e = setmetatable({}, {__lt = function() error('lt failed') end})
print(pcall(table.sort, {e, e}))
-- Strings and numbers never mix, even numeric strings.
print(pcall(table.sort, {'10', 9}))
