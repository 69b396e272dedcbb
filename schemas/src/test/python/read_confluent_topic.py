"""Reads a Flatline topic written in the Confluent wire format with Debian's python3-confluent-kafka only, as a
service of another team would, and prints each value as a JSON line.

Usage: read_confluent_topic.py BOOTSTRAP REGISTRY_URL TOPIC[,TOPIC...] COUNT TIMEOUT_SECONDS

The package's AvroDeserializer needs fastavro, which Debian does not package; where fastavro is missing the
same package's older deserializer (confluent_kafka.avro, over python3-avro) reads the records. The first line
printed names the one used.
"""
import json
import sys
import time

from confluent_kafka import Consumer


def deserializer(registry_url):
    try:
        from confluent_kafka.schema_registry import SchemaRegistryClient
        from confluent_kafka.schema_registry.avro import AvroDeserializer
        from confluent_kafka.serialization import MessageField, SerializationContext
    except ImportError:
        from confluent_kafka.avro.cached_schema_registry_client import CachedSchemaRegistryClient
        from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
        serializer = MessageSerializer(CachedSchemaRegistryClient({"url": registry_url}))
        return "confluent_kafka.avro.MessageSerializer", lambda topic, value: serializer.decode_message(value)
    avro = AvroDeserializer(SchemaRegistryClient({"url": registry_url}))
    return "confluent_kafka.schema_registry.avro.AvroDeserializer", \
        lambda topic, value: avro(value, SerializationContext(topic, MessageField.VALUE))


def main(bootstrap, registry_url, topics, count, timeout):
    name, decode = deserializer(registry_url)
    print(json.dumps({"deserializer": name}), flush=True)
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "python-" + topics,
                         "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe(topics.split(","))
    read = 0
    deadline = time.monotonic() + timeout
    try:
        while read < count and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None:
                continue
            if message.error():
                raise SystemExit("consumer error: %s" % message.error())
            value = decode(message.topic(), message.value())
            print(json.dumps({"topic": message.topic(), "key": message.key().decode("utf-8"), "value": value},
                             default=str), flush=True)
            read += 1
    finally:
        consumer.close()
    return 0 if read == count else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])))
