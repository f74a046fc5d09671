local t = {"a", "b", "c", "d"}
local out = ""
for i, v in pairs(t) do out = out .. i .. v end
print(out)
