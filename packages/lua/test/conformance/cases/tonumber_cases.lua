print(tonumber("42"), tonumber("0x1A"), tonumber("  12  "), tonumber("1e3"), tonumber("abc"), tonumber(""), tonumber("12a"))
print(tonumber(5), tonumber(nil), tonumber(true), tonumber("ff", 16), tonumber("777", 8), tonumber("zz", 36), tonumber("102", 2))
