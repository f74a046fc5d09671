-- string.gsub with a table or function: the first capture (or the whole match) as key, false/nil keep the match, __index, errors
print(string.gsub("$name is $age", "%$(%w+)", { name = "Bob", age = 42 }), string.gsub("abc", ".", function(c) return c:byte() end))
print(string.gsub("abc", "(b)(c)", { b = 1 }), string.gsub("abc", "()b", { [2] = "two" }), string.gsub("abc", "()(b)", function(a, b) return a .. b end))
print(string.gsub("a b c", "%a", { a = false, b = "B" }), string.gsub("a b c", "%a", function(x) if x == "b" then return nil end return x:upper() end))
print(string.gsub("xyz", ".", setmetatable({}, { __index = function(_, k) return "<" .. k .. ">" end })), string.gsub("abc", "", function() return "." end))
local seen = {}
print(string.gsub("k1=v1 k2=v2", "(%w+)=(%w+)", function(k, v) seen[#seen + 1] = k .. ":" .. v end), table.concat(seen, ","))
print(string.gsub("abc", "%w", function(c) return c == "b" and 2.5 or false end), string.gsub("aaa", "a", function() return "bb" end, 2))
print(pcall(string.gsub, "abc", "b", function() return {} end))
print(pcall(string.gsub, "abc", "b", function() return true end))
print(pcall(string.gsub, "abc", "b", { b = {} }))
print(pcall(string.gsub, "abc", "b", function() error("inner") end))
print(type(select(2, pcall(string.gsub, "abc", "b", function() error({}) end))))
print(pcall(function() local r = string.gsub("abc", "b", function() return print end) return r end))
