-- oracle: luajit
-- table.maxn and table.getn, and what they say about bad arguments.
print(table.maxn({}), table.maxn({1, 2, 3}), table.maxn({[10] = 1, [2.5] = 2, x = 3}))
print(table.maxn({[-3] = 1, [0] = 2}), table.maxn({[1 / 0] = 1}), table.maxn({[2 ^ 60] = true}))
local t = {1, 2, 3}
t[3] = nil
t[100] = 1
t[100] = nil
print(table.maxn(t))
print(table.getn({}), table.getn({1, 2, 3}), table.getn(setmetatable({}, {__len = function() return 9 end})))
local u = {}
for i = 1, 10 do u[i] = i end
for i = 6, 10 do u[i] = nil end
print(table.getn(u), #u)
print(pcall(table.maxn))
print(pcall(table.maxn, 1))
print(pcall(table.getn))
print(pcall(table.getn, 'x'))
print(table.setn, table.pack, table.unpack)
table.getn()
