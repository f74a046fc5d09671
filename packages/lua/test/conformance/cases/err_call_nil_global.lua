nosuchfunction(1, 2)
