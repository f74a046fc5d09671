local function pairs(t) return ipairs(t) end
local s = 0
for k, v in pairs({10, 20, 30}) do s = s + k * v end
print(s)
local t = {5, 6, 7}
local n = 0
for k, v in next, t do n = n + v end
print(n)
