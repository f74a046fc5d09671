local a
local b = a + 1
