-- a for loop whose limit turns from a number into a numeric string
local function run(limit, step)
  local n = 0
  for i = 1, limit, step do n = n + i end
  return n
end
local acc = {}
for round = 1, 30 do
  local limit = round % 3 == 0 and tostring(round) or round
  local step = round % 5 == 0 and "2" or 1
  acc[#acc + 1] = run(limit, step)
end
print(table.concat(acc, " "))
local m = 0
for round = 1, 40 do
  local lim = round > 20 and "0x10" or 16
  for i = 1, lim do m = m + 1 end
end
print(m)
-- the start, limit and step of an inner loop alternate between numbers and numeric strings
local sum = 0
for round = 1, 24 do
  local s, e, st = 1, 9, 2
  if round % 2 == 0 then e = "9" end
  if round % 3 == 0 then s = " 1 " end
  if round % 4 == 0 then st = "0x2" end
  for i = s, e, st do sum = sum + i * round end
  local last
  for i = e, s, -1 do last = i end
  sum = sum + last
end
print(sum)
print(pcall(function() for i = 1, "x" do end end))
