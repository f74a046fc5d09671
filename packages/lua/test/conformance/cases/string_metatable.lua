-- strings index the string library through their shared metatable: methods, indexing, __index identity, numbers are not strings
local s = "hello"
print(s:len(), s:sub(2, 3), s:rep(2), s:byte(1), ("x"):rep(3), ("%d-%s"):format(7, "ok"), ("a,b"):find(",", 1, true))
print(getmetatable("").__index == string, getmetatable("abc") == getmetatable(""), s.len == string.len, ("abc").upper == string.upper)
print(s:upper():lower():reverse(), #s:rep(3, "") , ("x y z"):gsub(" ", ""), ("k=v"):match("(%w)=(%w)"))
print(pcall(function() local r = ("x"):nosuch() return r end))
print(pcall(function() local n = 5 local r = n:rep(2) return r end))
print(pcall(function() return ("x").y end))
string.shout = function(str) return str:upper() .. "!" end
print(("hey"):shout())
