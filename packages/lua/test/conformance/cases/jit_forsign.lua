-- numeric for loops whose start, stop and step swap sign between runs of the outer loop
local total, log = 0, {}
for round = 1, 12 do
  local s = (round % 2 == 0) and 1 or -1
  local n = 0
  for i = 5 * s, -2 * s, -s do n = n + i * round end
  for i = -3 * s, 4 * s, s * 0.5 do total = total + i * round end
  for i = s, 10 * s, 3 * s do n = n + 1 end
  log[#log + 1] = n
end
print(total, table.concat(log, ","))
