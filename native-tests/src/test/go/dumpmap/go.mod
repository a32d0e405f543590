module panamap.io/dumpmap

go 1.19
