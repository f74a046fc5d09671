local cfg
local function get() return cfg.name end
print(get())
