-- pcall(pcall, pcall, f, i): nested protected calls of builtins
local function f(i) if i % 2 == 0 then error("even " .. i, 0) end return i * 10, "odd" end
for i = 1, 4 do print(pcall(pcall, pcall, f, i)) end
print(pcall(pcall))
print(pcall(pcall, error))
print(pcall(pcall, error, "x", 0))
print(select("#", pcall(pcall, pcall)))
print(select(3, pcall(pcall, pcall, error, {})) ~= nil)
