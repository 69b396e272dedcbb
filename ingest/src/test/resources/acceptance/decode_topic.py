#!/usr/bin/python3
"""Reads Flatline topics with kafka-python and decodes them with the avro library from the .avsc files alone.
Usage: decode_topic.py BOOTSTRAP TOPIC SCHEMA.avsc [COUNT]"""
import io
import json
import sys

import avro.io
import avro.schema
from kafka import KafkaConsumer

bootstrap, topic, schema_file = sys.argv[1:4]
count = int(sys.argv[4]) if len(sys.argv) > 4 else 3
schema = avro.schema.parse(open(schema_file).read())
consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                         consumer_timeout_ms=15000)
for n, message in enumerate(consumer):
    value = message.value
    # Avro single-object encoding: marker C3 01, the writer schema's CRC-64-AVRO fingerprint, the datum.
    assert value[:2] == b"\xc3\x01", value[:2]
    datum = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(value[10:])))
    print(message.key.decode(), json.dumps(datum, default=lambda v: v.hex() if isinstance(v, bytes) else str(v)))
    if n + 1 >= count:
        break
