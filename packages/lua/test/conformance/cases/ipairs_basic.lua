local t = {10, 20, 30, nil, 50}
for i, v in ipairs(t) do print(i, v) end
for i, v in ipairs({}) do print("never") end
