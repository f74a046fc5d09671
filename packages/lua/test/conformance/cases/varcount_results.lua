local function none() end
local function two() return 1, 2 end
print(select("#", none()), select("#", two()), select("#", (two())))
