local function f() return 1, 2, 3 end
local t = {f()}
local u = {f(), f()}
local v = {(f())}
local w = {f(), 10}
print(#t, #u, #v, #w)
