-- a, b, c = b, c, a rotating a number, a string and a table in a loop
local a, b, c = 1, "two", { 3 }
local seen = {}
for i = 1, 60 do
  a, b, c = b, c, a
  seen[#seen + 1] = type(a):sub(1, 1)
end
print(table.concat(seen), type(a), type(b), type(c))
local x, y = 1, "s"
local n = 0
for i = 1, 50 do x, y = y, x; if type(x) == "number" then n = n + x end end
print(n, x, y)
