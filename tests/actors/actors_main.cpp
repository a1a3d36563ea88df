// The actors suite's one entry point; the cases are in the *_test.cpp files.
#define BOOST_TEST_MODULE actors
#include <boost/test/unit_test.hpp>
