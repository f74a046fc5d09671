-- oracle: luajit
-- %p: NULL for nil, booleans and numbers (no width), an object's address otherwise: the one tostring shows
local F = string.format
print(F("%p|%p|%p|%5p|%-5p|", 1, nil, true, 2, false))
local t, f = {}, function() end
print(F("%p", t) == tostring(t):match("0x%x+"), F("%p", f) == tostring(f):match("0x%x+"), F("%20p", t) == F("%p", t))
print(F("%p", "abc"):match("^0x%x+$") ~= nil, F("%p", coroutine.create(f)):match("^0x%x+$") ~= nil, F("%p", print):match("^0x%x+$") ~= nil)
print(F("%p", t) == F("%p", t), F("%p", t) ~= F("%p", {}), pcall(F, "%p"))
