"""Packaging for pymap, an asynchronous IMAP server with pluggable backends."""

from setuptools import find_packages, setup

with open('README.md', encoding='utf-8') as readme:
    long_description = readme.read()

setup(
    name='pymap',
    version='0.1.0',
    description='Lightweight, asynchronous IMAP server with pluggable '
                'storage backends.',
    long_description=long_description,
    long_description_content_type='text/markdown',
    license='MIT',
    python_requires='>=3.11',
    packages=find_packages(include=['pymap', 'pymap.*']),
    package_data={
        'pymap': ['py.typed'],
        'pymap.backend.dict': ['demo/*/*.eml', 'demo/*.txt'],
    },
    install_requires=[
        'pysasl >= 1.2, < 2',
        'proxy-protocol >= 0.11',
    ],
    extras_require={
        'redis': ['redis >= 5', 'hiredis'],
        'admin': ['grpclib >= 0.4', 'protobuf >= 4.21'],
        'test': [
            'pytest >= 8',
            'pytest-asyncio >= 0.23',
            'hypothesis >= 6',
            'imapclient >= 3',
            'trustme >= 1',
            'mypy >= 1.8',
            'ruff >= 0.4',
        ],
    },
    entry_points={
        'console_scripts': [
            'pymap = pymap.main:main',
        ],
        'pymap.backend': [
            'dict = pymap.backend.dict:DictBackend',
        ],
        'pymap.service': [],
    },
    classifiers=[
        'Development Status :: 3 - Alpha',
        'Framework :: AsyncIO',
        'Intended Audience :: System Administrators',
        'Programming Language :: Python :: 3.11',
        'Topic :: Communications :: Email :: Post-Office :: IMAP',
    ],
)
