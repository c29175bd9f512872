/* Mirrors ESP-IDF v5.3 components/freertos: the port types of portmacro.h (Xtensa and RISC-V alike),
 * configSTACK_DEPTH_TYPE and configTICK_RATE_HZ of FreeRTOSConfig.h, pdMS_TO_TICKS of projdefs.h. */
#pragma once
#include <stdint.h>
#include <stddef.h>
#include "sdkconfig.h"

#define portBASE_TYPE               int
typedef portBASE_TYPE               BaseType_t;
typedef unsigned portBASE_TYPE      UBaseType_t;
typedef uint32_t                    TickType_t;

#define configSTACK_DEPTH_TYPE      uint32_t
#define configTICK_RATE_HZ          100
#define pdPASS                      ( ( BaseType_t ) 1 )

typedef void (* TaskFunction_t)( void * );

#define pdMS_TO_TICKS( xTimeInMs )    ( ( TickType_t ) ( ( ( TickType_t ) ( xTimeInMs ) * ( TickType_t ) configTICK_RATE_HZ ) / ( TickType_t ) 1000U ) )
