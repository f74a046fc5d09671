local t = {}
local k
t[k] = 1
