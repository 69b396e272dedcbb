#!/usr/bin/python3
"""A Modbus TCP server that no Flatline code controls: Debian's python3-pymodbus, with known values encoded by
pymodbus's own payload builder. Usage: pymodbus_server.py PORT (listens on 127.0.0.1)."""
import logging
import sys

from pymodbus.constants import Endian
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.payload import BinaryPayloadBuilder
from pymodbus.server import StartTcpServer


def registers(byteorder, wordorder, add):
    builder = BinaryPayloadBuilder(byteorder=byteorder, wordorder=wordorder)
    add(builder)
    return builder.to_registers()


holding = [0] * 100
holding[0:2] = registers(Endian.Big, Endian.Big, lambda b: b.add_32bit_float(21.5))          # float32 ABCD
holding[2:3] = registers(Endian.Big, Endian.Big, lambda b: b.add_16bit_int(-42))             # int16
holding[3:5] = registers(Endian.Big, Endian.Little, lambda b: b.add_32bit_uint(305419896))   # uint32 CDAB

inputs = [0] * 100
inputs[0:4] = registers(Endian.Little, Endian.Little, lambda b: b.add_64bit_float(1234.5678))  # float64 DCBA
inputs[4:8] = registers(Endian.Big, Endian.Big, lambda b: b.add_64bit_int(-9000000000))        # int64 ABCD
inputs[8:9] = registers(Endian.Little, Endian.Big, lambda b: b.add_16bit_uint(513))            # uint16 BA(DC)
inputs[20:22] = registers(Endian.Big, Endian.Big, lambda b: b.add_32bit_uint(7))              # board counter
inputs[22:24] = registers(Endian.Big, Endian.Big, lambda b: b.add_32bit_uint(0xCBF43926))     # input CRC-32
inputs[24:26] = registers(Endian.Big, Endian.Big, lambda b: [b.add_8bit_int(v) for v in (5, -5, 127, -128)])

# zero_mode: wire address 0 is list index 0 (pymodbus otherwise shifts by one).
store = ModbusSlaveContext(hr=ModbusSequentialDataBlock(0, holding), ir=ModbusSequentialDataBlock(0, inputs),
                           zero_mode=True)
logging.basicConfig(level=logging.WARNING)
StartTcpServer(context=ModbusServerContext(slaves={1: store}, single=False), address=("127.0.0.1", int(sys.argv[1])))
