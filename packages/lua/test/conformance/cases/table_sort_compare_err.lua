-- oracle: luajit
-- An uncaught comparison error from inside sort carries no position.
local t = {3, 2, 1}
table.sort(t)
print(table.concat(t, ' '))
t[2] = false
table.sort(t)
