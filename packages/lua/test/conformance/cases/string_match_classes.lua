-- oracle: luajit
-- character classes: how many of the 256 bytes each class, its complement and its set form match (%g is LuaJIT's, from 5.2)
local classes = { "a", "c", "d", "g", "l", "p", "s", "u", "w", "x", "z" }
for _, c in ipairs(classes) do
  local n, m, k, first = 0, 0, 0, nil
  for i = 0, 255 do
    local ch = string.char(i)
    if string.find(ch, "%" .. c) then n = n + 1; first = first or i end
    if string.find(ch, "%" .. c:upper()) then m = m + 1 end
    if string.find(ch, "[%" .. c .. "]") then k = k + 1 end
  end
  print(c, n, m, k, first)
end
print(string.match("Hello, World 42!", "%a+"), string.match("Hello, World 42!", "%d+"), string.match("Hello, World 42!", "%p"), string.match("tab\there", "%s"))
print(string.match("x = 0x1F;", "%x+", 5), string.match("abcDEF", "%u+"), string.match("abcDEF", "%l+"), string.match("a_b", "%w+"), string.match("\1\2x", "%c+"):len())
print(string.match("été", "%a"), string.match("\200\255", "[\128-\255]+") == "\200\255", string.match("\200a", "[^\1-\127]+") == "\200", string.match(".", "%."))
print(string.match("%%", "%%+"), string.match("a.b", "%.b"), string.match("k9", "%K%d"), string.match("A", "%A"), string.match("1", "%D"))
