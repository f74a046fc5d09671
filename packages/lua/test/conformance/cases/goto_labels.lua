-- oracle: luajit
-- goto and labels: continue, nested break out, backward loops, scopes
for i = 1, 5 do
  if i % 2 == 0 then goto continue end
  io.write(i, " ")
  ::continue::
end
print()
local n = 0
::top::
n = n + 1
if n < 4 then goto top end
print(n)
for i = 1, 3 do
  for j = 1, 3 do
    if i * j == 4 then goto done end
    io.write(i, ",", j, " ")
  end
end
::done::
print()
do
  local k = 0
  ::again::
  k = k + 1
  if k < 100 then goto again end
  print(k)
end
local fns = {}
for i = 1, 3 do
  local x = i * 10
  fns[#fns + 1] = function() return x end
  goto next
  ::next::
end
print(fns[1](), fns[2](), fns[3]())
