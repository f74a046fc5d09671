-- conditions on values of every type inside traced loops: not, and/or, ==/~= between types
local vals = { 1, "s", false, true, {}, print, 0 }
local t1, t2 = {}, {}
local count = { 0, 0, 0, 0, 0, 0 }
for round = 1, 3 do
  for i = 1, 70 do
    local v = vals[(i + round) % #vals + 1]
    local w = vals[(i * 3) % #vals + 1]
    if v then count[1] = count[1] + 1 end
    if not v then count[2] = count[2] + 1 end
    local x = v and w or "none"
    if x == w then count[3] = count[3] + 1 end
    if v ~= w then count[4] = count[4] + 1 end
    if v == nil or v == false then count[5] = count[5] + 1 end
    local a = (i % 2 == 0) and t1 or t2
    if a == t1 then count[6] = count[6] + 1 end
  end
end
print(table.concat(count, " "))
