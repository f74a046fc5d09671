-- an inner numeric for loop whose start is the outer loop's int index: FORI converts the
-- control values in their slots and FORL steps from the converted index; signed int guards
local acc, odd = 0, 0
for i = 1, 90 do
  for j = 1, i % 6 do
    for k = j, 4 do acc = acc + k * j end
  end
  for k = i - 60, 0, 7 do odd = odd + k end
  for k = 5 - i % 9, -3, -2 do acc = acc - k end
  local x = i % 2 == 0 and "x" or {}
  if type(x) == "string" then acc = acc + 1 end
end
print(acc, odd)
local s = 0
for i = -5, 5 do for j = i, i + 2 do s = s + j * j end end
print(s)
-- cut down from JIT-stress seed 1 program 144: an inner loop's stop of -0 keeps it num
local total = 0
local ra, rb, rc = 1, "s", {}
for i = 1, 88 do
  ra, rb, rc = rb, rc, ra
  do local s = (i % 2 == 0) and 1 or -1
    for j = s * 4, -s * 0, -s * 2 do total = total + j * i end end
  for j = 1, i % 5 do for k = j, 3 do total = total + k * j end end
end
print(total, type(ra))
