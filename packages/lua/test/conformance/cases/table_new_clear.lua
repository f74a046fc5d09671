-- oracle: luajit
-- LuaJIT's table.new and table.clear: loaded by require, which also makes them fields of
-- the table library.
print(table.new, table.clear)
local new = require('table.new')
print(type(new), table.new == new, require('table.new') == new, package.loaded['table.new'] == new)
local t = new(10, 4)
print(type(t), #t, next(t))
t[1] = 'a'
print(#t, t[1])
print(type(new(0, 0)), type(new('3', 1.5)))
print(pcall(new))
print(pcall(new, 1))
print(pcall(new, 'x', 1))
print(pcall(new, 1, {}))
print(table.clear)
local clear = require('table.clear')
print(type(clear), table.clear == clear)
local mt = {__index = function() return 'inherited' end}
local u = setmetatable({1, 2, 3, x = 1, y = 2}, mt)
print(select('#', clear(u)))
print(#u, next(u), u[1], getmetatable(u) == mt)
u[1] = 'again'
table.insert(u, 'more')
print(#u, u[1], u[2])
print(pcall(clear))
print(pcall(clear, 'x'))
clear(nil)
