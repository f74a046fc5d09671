print(tostring(10), tostring(10.25), tostring(-0.125), tostring(1e20), tostring(2^31))
