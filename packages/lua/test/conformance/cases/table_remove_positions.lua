-- oracle: luajit
-- table.remove: from the end, inside, out of range (nothing returned), coerced and
-- fractional positions, and raw access to its table.
local function show(...) print(select('#', ...), ...) end
local t = {1, 2, 3, 4, 5}
show(table.remove(t))
show(table.remove(t, 1))
show(table.remove(t, #t))
print(#t, t[1], t[2], t[3])
show(table.remove({}))
show(table.remove({}, 0))
show(table.remove({}, 1))
show(table.remove({1, 2, 3}, 0))
show(table.remove({1, 2, 3}, 4))
show(table.remove({1, 2, 3}, -1))
show(table.remove({1, 2, 3}, 2^40))
show(table.remove({[0] = 'zero'}, 0))
show(table.remove({1, 2, 3}, '2'))
local f = {1, 2, 3}
show(table.remove(f, 1.5))
print(#f, f[1], f[2], f[3])
local g = {1, 2, 3}
show(table.remove(g, 3.5))
show(table.remove(g, 0.5))
print(#g)
local proxy = setmetatable({1, 2, 3}, {__index = function() return 'idx' end, __newindex = function() print('newindex') end})
show(table.remove(proxy, 1))
print(rawget(proxy, 1), rawget(proxy, 2), rawget(proxy, 3), proxy[3])
print(pcall(table.remove))
print(pcall(table.remove, 1))
print(pcall(table.remove, {}, 'x'))
print(pcall(table.remove, {}, {}))
table.remove(nil)
