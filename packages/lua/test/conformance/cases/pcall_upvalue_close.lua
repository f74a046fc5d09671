local f
local ok = pcall(function()
 local x = 10
 f = function() return x end
 error("leave")
end)
print(ok, f())
