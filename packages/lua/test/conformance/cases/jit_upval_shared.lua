-- two closures updating one open upvalue inside a loop
local function make()
  local x = 0
  local function inc(d) x = x + d end
  local function dbl() x = x * 2 % 1000 end
  for i = 1, 100 do
    inc(i)
    if i % 7 == 0 then dbl() end
    x = x + 1
  end
  return x
end
print(make())
local total = 0
for round = 1, 3 do
  local u = round
  local add = function(d) u = u + d end
  local get = function() return u end
  for i = 1, 60 do add(i % 4); if get() > 100 then u = u - 100 end end
  total = total + get()
end
print(total)
