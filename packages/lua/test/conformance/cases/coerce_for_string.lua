for i = "1", "3" do last = i end
print(last)
