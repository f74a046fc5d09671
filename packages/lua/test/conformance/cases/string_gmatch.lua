-- string.gmatch: captures, empty matches, '^' as a plain character, the iterator after the end, errors
local function all(s, p)
  local t = {}
  for a, b in string.gmatch(s, p) do t[#t + 1] = tostring(a) .. (b and "/" .. tostring(b) or "") end
  return table.concat(t, ",")
end
print(all("a=1, b=2, c=3", "(%w+)=(%w+)"), all("one two  three", "%a+"), all("abc", "()(.)"), all("abc", ""))
print(all("abc", "x*"), all("^a^a", "^a"), all("aaa", "^a"), all("hello", "l*"), all("a,b,,c", "([^,]*)"))
print(all("The quick brown fox", "%f[%a]%a"), all("(a)(b)", "%b()"), all("x1y22z333", "%d+"), all("", ".*"), all("", "x"))
local it = string.gmatch("ab", ".")
print(it(), it(), it(), it())
local it2 = string.gmatch("k1=v1;k2=v2", "(%w+)=(%w+)")
print(it2())
print(it2())
print(it2())
print(pcall(string.gmatch, "abc"))
print(pcall(string.gmatch))
local n = 0
for w in ("a b c d"):gmatch("%S+") do n = n + 1 end
print(n, type(string.gmatch("", "")))
